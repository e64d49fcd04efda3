import { field, ignore, lower, perEvent, type Mapping } from "@tidings/core";

/**
 * Mailtrap's sending webhook events, spelled as the `event` enum of its webhook reference
 * (https://docs.mailtrap.io/email-api-smtp/advanced/webhooks): "soft bounce" has a space. A
 * bounce the receiving server refused for policy or reputation is refined to `bounce:blocked` by
 * its `bounce_category`; Audit Log webhooks send `activity_log.<resource>.<action>`, all known by
 * the one key `activity_log.*`.
 */
export const EVENTS = [
  "delivery",
  "open",
  "click",
  "unsubscribe",
  "spam",
  "soft bounce",
  "bounce",
  "bounce:blocked",
  "suspension",
  "reject",
  "activity_log.*",
] as const;
export type MailtrapEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<MailtrapEvent> = {
  delivery: "delivered",
  open: "opened",
  click: "clicked",
  unsubscribe: "unsubscribed",
  // "User reported a message as spam" (Statuses and Events).
  spam: "spam",
  // "Temporary failure (will retry)": the receiving server's 4xx; Mailtrap tries 10 more times.
  "soft bounce": "deferred",
  bounce: "bounced",
  "bounce:blocked": "blocked",
  // Mailtrap holds the message itself (unverified domain, sending limit) and re-checks 10 times.
  suspension: "delayed",
  // Mailtrap chose not to send an accepted message: a suppressed recipient, or a domain still unverified.
  reject: "dropped",
  "activity_log.*": ignore("an Audit Log event about the Mailtrap account, not about a message"),
};

/**
 * Bounce categories (https://docs.mailtrap.io/email-api-smtp/deliverability/bounce-categorization)
 * that say the receiving server refused the message for policy or reputation rather than for the
 * address: a blocked delivery in the vocabulary. Lower-cased, as categories are compared.
 */
export const BLOCKING_CATEGORIES: ReadonlySet<string> = new Set(["block", "content", "spam", "spam_gmail", "serverpolicy"]);


const AUDIT_LOG_PREFIX = "activity_log.";

/**
 * The mapping key of a raw event. Names compare case-insensitively; `soft_bounce` is the spelling
 * of Mailtrap's Email Logs API and of its bounce categorization page ("Webhooks payload for bounce
 * and soft_bounce events"), so it is read as the webhook's "soft bounce".
 */
export const eventName = perEvent(nameOf);

function nameOf(raw: unknown): string | undefined {
  const name = lower(field(raw, "event"));
  if (name === undefined) return undefined;
  if (name.startsWith(AUDIT_LOG_PREFIX)) return "activity_log.*";
  if (name === "soft_bounce") return "soft bounce";
  if (name === "bounce" && isBlocking(field(raw, "bounce_category"))) return "bounce:blocked";
  return name;
}

export function isBlocking(category: unknown): boolean {
  const key = lower(category);
  return key !== undefined && BLOCKING_CATEGORIES.has(key);
}
