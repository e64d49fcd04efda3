import { field, joinParts, lower, smtpCodes, text, textMap, type EventDetails, type RejectReason } from "@tidings/core";
import { DELIVERY_STATUS_REASONS, MAPPING, type UnisenderGoEvent } from "./mapping.js";
import { deliveryStatus, eventData, namedEvent } from "./payload.js";

/**
 * `event_time` is "YYYY-MM-DD hh:mm:ss" in UTC, written without a zone: core reads text without
 * a zone as UTC, so the text goes to core as it is and is parsed once.
 */
export function date(raw: unknown): string | undefined {
  return text(field(eventData(raw), "event_time"));
}

/** `job_id`: what email/send returned for the message (one per send call, shared by its recipients). */
export function externalId(raw: unknown): string | undefined {
  return text(field(eventData(raw), "job_id"));
}

/** The clicked link for a click; otherwise the receiving server's reply and Unisender Go's delivery status. */
export function response(raw: unknown): string | undefined {
  const data = eventData(raw);
  if (namedEvent(raw) === "clicked") return text(field(data, "url"));
  return joinParts([text(field(field(data, "delivery_info"), "destination_response")), deliveryStatus(data)]);
}

const NO_CODES: { smtpCode?: string; enhancedStatus?: string } = Object.freeze({});

export function details(raw: unknown): EventDetails {
  const data = eventData(raw);
  const name = namedEvent(raw);
  const engaged = name === "opened" || name === "clicked";
  const info = field(data, "delivery_info");
  const reply = text(field(info, "destination_response"));
  const code = lower(field(info, "delivery_status"));
  const failed = failure(name, code);
  const codes = reply === undefined ? NO_CODES : smtpCodes(reply);
  // Absent fields are written as undefined, which the engine leaves out: the same keys, in this order, as spreads would give.
  return {
    recipient: text(field(data, "email")),
    metadata: textMap(field(data, "metadata")),
    clickUrl: name === "clicked" ? text(field(data, "url")) : undefined,
    // Documented as present only for opens and clicks.
    userAgent: engaged ? text(field(info, "user_agent")) : undefined,
    ip: engaged ? text(field(info, "ip")) : undefined,
    bounceClass: failed.bounceClass,
    rejectReason: failed.rejectReason,
    smtpCode: codes.smtpCode,
    enhancedStatus: codes.enhancedStatus,
    mtaResponse: reply,
    description: code,
  };
}

const NO_FAILURE: { bounceClass?: "hard" | "soft"; rejectReason?: RejectReason } = Object.freeze({});
const SOFT: { bounceClass?: "hard" | "soft"; rejectReason?: RejectReason } = Object.freeze({ bounceClass: "soft" });

/**
 * A soft bounce is retried (soft, no reject reason yet). A hard bounce is final: hard when the
 * receiving server refused (bounced, blocked), no class when Unisender Go did not send (dropped,
 * failed: `hard_bounced:err_unsubscribed`...), and a reject reason from the delivery status.
 */
function failure(name: string | undefined, code: string | undefined): { bounceClass?: "hard" | "soft"; rejectReason?: RejectReason } {
  if (name === "soft_bounced") return SOFT;
  if (name === undefined || !name.startsWith("hard_bounced")) return NO_FAILURE;
  const rejectReason = code === undefined ? undefined : (DELIVERY_STATUS_REASONS.get(code) ?? "other");
  const status = Object.hasOwn(MAPPING, name) ? MAPPING[name as UnisenderGoEvent] : undefined;
  return status === "bounced" || status === "blocked" ? { bounceClass: "hard", rejectReason } : { rejectReason };
}
