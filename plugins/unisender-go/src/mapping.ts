import { ignore, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Unisender Go's webhook events (https://godocs.unisender.ru/web-api-ref#callback-format). An
 * event named `transactional_email_status` is known by its `status`
 * (https://godocs.unisender.ru/email-statuses); `hard_bounced` is refined by
 * `delivery_info.delivery_status` where that code says Unisender Go itself did not send, or the
 * receiving server refused on policy: `hard_bounced:err_blacklisted`. Any other code, or none (the
 * webhook's "delivery info" option is off), leaves it `hard_bounced`.
 */
export const EVENTS = [
  "sent",
  "delivered",
  "opened",
  "clicked",
  "unsubscribed",
  "subscribed",
  "soft_bounced",
  "hard_bounced",
  "hard_bounced:err_spam_rejected",
  "hard_bounced:err_blacklisted",
  "hard_bounced:err_unsubscribed",
  "hard_bounced:err_unreachable",
  "hard_bounced:err_skip_letter",
  "hard_bounced:err_spam_skipped",
  "hard_bounced:err_lost",
  "spam",
  "transactional_spam_block",
] as const;
export type UnisenderGoEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<UnisenderGoEvent> = {
  // "passed every check and was put in the sending queue": nothing has been attempted yet.
  sent: "queued",
  delivered: "delivered",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  // Listed beside unsubscribed as what a delivered message may turn into; by its name, a resubscription.
  subscribed: ignore("the recipient's subscription changed back to subscribed: not a delivery status"),
  // A temporary failure: Unisender Go retries for 48 hours, then reports delivered or hard_bounced.
  soft_bounced: "deferred",
  hard_bounced: "bounced",
  // The receiving server refused the message as spam, or the sender's IP or domain as blacklisted.
  "hard_bounced:err_spam_rejected": "blocked",
  "hard_bounced:err_blacklisted": "blocked",
  // Unisender Go did not send: the address is unsubscribed, marked unavailable after repeated
  // failures, or temporarily unavailable, or the campaign was blocked as spam.
  "hard_bounced:err_unsubscribed": "dropped",
  "hard_bounced:err_unreachable": "dropped",
  "hard_bounced:err_skip_letter": "dropped",
  "hard_bounced:err_spam_skipped": "dropped",
  // "not sent ... or lost because of a failure on our side".
  "hard_bounced:err_lost": "failed",
  // A recipient's complaint, received through feedback loops (FBL) from the mailbox providers.
  spam: "spam",
  transactional_spam_block: ignore("a receiving domain blocked or unblocked Unisender Go's sending servers: about its infrastructure, not one message"),
};

/** The delivery statuses that turn `hard_bounced` into another status (the refined names above). */
export const REFINING_DELIVERY_STATUSES: ReadonlySet<string> = new Set(
  EVENTS.flatMap((name) => (name.startsWith("hard_bounced:") ? [name.slice("hard_bounced:".length)] : [])),
);

/**
 * `delivery_info.delivery_status` of a final failure, as documented for event-dump and webhooks,
 * for suppression lists. `err_will_retry` ("temporarily rejected, delivery will be retried")
 * belongs to soft bounces, which carry no reject reason; an undocumented code reads as `other`.
 */
export const DELIVERY_STATUS_REASONS: ReadonlyMap<string, RejectReason> = new Map<string, RejectReason>([
  ["err_user_unknown", "invalid"],
  ["err_user_inactive", "invalid"],
  ["err_mailbox_discarded", "invalid"],
  ["err_domain_inactive", "invalid"],
  ["err_mailbox_full", "bounced"],
  ["err_unreachable", "bounced"],
  ["err_skip_letter", "bounced"],
  ["err_spam_rejected", "spam"],
  ["err_spam_skipped", "spam"],
  ["err_blacklisted", "blocked"],
  ["err_unsubscribed", "unsubscribed"],
  ["err_too_large", "other"],
  ["err_destination_misconfigured", "other"],
  ["err_delivery_failed", "other"],
  ["err_lost", "other"],
]);
