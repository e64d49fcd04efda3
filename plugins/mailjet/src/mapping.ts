import { field, lower, type Mapping } from "@tidings/core";

/**
 * Mailjet Event API events (https://dev.mailjet.com/email/guides/webhooks/). `bounce` and
 * `blocked` carry `error_related_to` and `error` from Mailjet's error table; where that table
 * changes the meaning, the name is refined so the table below stays the single answer.
 */
export const EVENTS = [
  "sent",
  "open",
  "click",
  "bounce",
  "bounce:greylisted",
  "bounce:spam",
  "bounce:system",
  "blocked",
  "blocked:content",
  "blocked:system",
  "spam",
  "unsub",
] as const;
export type MailjetEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<MailjetEvent> = {
  // Dispatched "when the destination SMTP server has accepted the message".
  sent: "delivered",
  open: "opened",
  click: "clicked",
  // Hard or soft: Mailjet retries deferred messages for 3 days and only then calls them
  // soft-bounced (statistics guide), so a soft bounce is final, not a deferral.
  bounce: "bounced",
  // The one error Mailjet documents as retried: "Delivery will be re-attempted".
  "bounce:greylisted": "deferred",
  // error_related_to "spam": sender blocked, content blocked, policy issue at the receiver.
  "bounce:spam": "blocked",
  // error_related_to "system": "something went wrong on our server-side".
  "bounce:system": "failed",
  // Mailjet chose not to send: preblocked, duplicate in campaign, blacklisted, spam reporter, typofix...
  blocked: "dropped",
  // Template errors: the sender's content could not be rendered.
  "blocked:content": "failed",
  "blocked:system": "failed",
  // A recipient's complaint relayed by a feedback loop (`source`, e.g. JMRPP).
  spam: "spam",
  unsub: "unsubscribed",
};

/**
 * The mapping key of a raw event. Mailjet's own names are plain words, so a raw name with a ":"
 * is not one of them and must not reach a refined key; it is reported as having no usable name.
 */
export function eventName(raw: unknown): string | undefined {
  const event = lower(field(raw, "event"));
  if (event === undefined || event.includes(":")) return undefined;
  const related = lower(field(raw, "error_related_to"))?.trim();
  if (event === "bounce") {
    if (related === "spam" || related === "system") return `bounce:${related}`;
    const greylisted = lower(field(raw, "error"))?.trim() === "greylisted";
    return greylisted && field(raw, "hard_bounce") !== true ? "bounce:greylisted" : "bounce";
  }
  if (event === "blocked" && (related === "content" || related === "system")) return `blocked:${related}`;
  return event;
}
