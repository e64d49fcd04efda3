import { at, field, joinParts, smtpCodes, text, textMap, toIsoDate, type EventDetails, type RejectReason } from "@tidings/core";
import { DELIVERY_STATUS_REASONS, MAPPING, type UnisenderGoEvent } from "./mapping.js";
import { deliveryStatus, eventData, eventName } from "./payload.js";

/** `event_time` is "YYYY-MM-DD hh:mm:ss" in UTC, written without a zone. */
export function date(raw: unknown): string | undefined {
  return toIsoDate(text(field(eventData(raw), "event_time")), { assumeOffset: "Z" });
}

/** `job_id`: what email/send returned for the message (one per send call, shared by its recipients). */
export function externalId(raw: unknown): string | undefined {
  return text(field(eventData(raw), "job_id"));
}

/** The clicked link for a click; otherwise the receiving server's reply and Unisender Go's delivery status. */
export function response(raw: unknown): string | undefined {
  const data = eventData(raw);
  if (eventName(raw) === "clicked") return text(field(data, "url"));
  return joinParts([text(at(data, "delivery_info", "destination_response")), deliveryStatus(data)]);
}

export function details(raw: unknown): EventDetails {
  const data = eventData(raw);
  const name = eventName(raw);
  const engaged = name === "opened" || name === "clicked";
  const reply = text(at(data, "delivery_info", "destination_response"));
  const code = deliveryStatus(data);
  return {
    recipient: text(field(data, "email")),
    metadata: textMap(field(data, "metadata")),
    clickUrl: name === "clicked" ? text(field(data, "url")) : undefined,
    // Documented as present only for opens and clicks.
    userAgent: engaged ? text(at(data, "delivery_info", "user_agent")) : undefined,
    ip: engaged ? text(at(data, "delivery_info", "ip")) : undefined,
    ...failure(name, code),
    ...smtpCodes(reply),
    mtaResponse: reply,
    description: code,
  };
}

/**
 * A soft bounce is retried (soft, no reject reason yet). A hard bounce is final: hard when the
 * receiving server refused (bounced, blocked), no class when Unisender Go did not send (dropped,
 * failed: `hard_bounced:err_unsubscribed`...), and a reject reason from the delivery status.
 */
function failure(name: string | undefined, code: string | undefined): { bounceClass?: "hard" | "soft"; rejectReason?: RejectReason } {
  if (name === "soft_bounced") return { bounceClass: "soft" };
  if (name === undefined || !name.startsWith("hard_bounced")) return {};
  const rejectReason = code === undefined ? undefined : (DELIVERY_STATUS_REASONS.get(code) ?? "other");
  const status = Object.hasOwn(MAPPING, name) ? MAPPING[name as UnisenderGoEvent] : undefined;
  return status === "bounced" || status === "blocked" ? { bounceClass: "hard", rejectReason } : { rejectReason };
}
