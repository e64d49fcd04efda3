import { at, count, field, firstAt, lower, messageId, smtpCodes, text, textList, textMap, type EventDetails, type RejectReason } from "@tidings/core";
import type { Generation } from "./generation.js";

/**
 * The current webhooks: one `event-data` object per call, as the Events API documents it
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/webhook-payloads, and the event samples
 * of https://github.com/mailgun/documentation/blob/master/source/api-events.rst).
 */
function eventName(raw: unknown): string | undefined {
  const event = lower(field(raw, "event"));
  return event === "failed" ? `failed:${lower(field(raw, "severity")) ?? "unknown"}` : event;
}

/**
 * `reason` of a permanent failure, as Mailgun's stats break failures down
 * (failed.permanent: bounce, delayed-bounce, suppress-bounce, suppress-unsubscribe,
 * suppress-complaint; `generic` in the Events API samples).
 */
const FAILURE_REASONS: ReadonlyMap<string, RejectReason> = new Map([
  ["bounce", "bounced"],
  ["delayed-bounce", "bounced"],
  ["suppress-bounce", "bounced"],
  ["suppress-unsubscribe", "unsubscribed"],
  ["suppress-complaint", "spam"],
  ["generic", "other"],
]);

function rejectReason(name: string | undefined, raw: unknown): RejectReason | undefined {
  // A rejection's `reject.reason` is free text about the request (a sandbox domain, say).
  if (name === "rejected") return "other";
  if (name !== "failed:permanent") return undefined;
  const reason = lower(field(raw, "reason"));
  return reason === undefined ? undefined : (FAILURE_REASONS.get(reason) ?? "other");
}

/** A value only when it has the form the details schema wants (Mailgun writes 605 for its own suppressions). */
const smtpCode = (value: unknown): string | undefined => text(value)?.match(/^[2-5]\d\d$/)?.[0];
const enhancedStatus = (value: unknown): string | undefined => text(value)?.match(/^[245]\.\d{1,3}\.\d{1,3}$/)?.[0];

function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  const status = field(raw, "delivery-status");
  const reply = text(field(status, "message"));
  const fromReply = smtpCodes(reply);
  return {
    recipient: text(field(raw, "recipient")),
    tags: textList(field(raw, "tags")),
    metadata: textMap(field(raw, "user-variables")),
    clickUrl: name === "clicked" ? text(field(raw, "url")) : undefined,
    userAgent: text(at(raw, "client-info", "user-agent")),
    ip: text(field(raw, "ip")),
    bounceClass: name === "failed:permanent" ? "hard" : name === "failed:temporary" ? "soft" : undefined,
    rejectReason: rejectReason(name, raw),
    smtpCode: smtpCode(field(status, "code")) ?? fromReply.smtpCode,
    enhancedStatus: enhancedStatus(field(status, "enhanced-code")) ?? enhancedStatus(field(status, "bounce-code")) ?? fromReply.enhancedStatus,
    mtaResponse: reply,
    description: text(field(status, "description")) ?? text(at(raw, "reject", "description")),
  };
}

export const CURRENT: Generation = {
  eventName,
  date: (raw) => {
    const timestamp = field(raw, "timestamp");
    return typeof timestamp === "number" ? timestamp * 1000 : undefined;
  },
  externalId: (raw) => messageId(at(raw, "message", "headers", "message-id")),
  attempts: (raw) => count(at(raw, "delivery-status", "attempt-no")),
  response: (raw) =>
    text(
      firstAt(raw, [
        ["delivery-status", "description"],
        ["delivery-status", "message"],
        ["reject", "reason"],
        ["reason"],
        ["url"],
      ]),
    ),
  eventId: (raw) => text(field(raw, "id")),
  details,
};
