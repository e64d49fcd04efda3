import { ignore, type BounceClass, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Every webhook event type Resend documents (https://resend.com/docs/webhooks/event-types; the
 * official SDK's `WebhookEvent` union in resend-node src/webhooks/interfaces/webhook-event.interface.ts
 * lists the same names). A bounce whose `subType` says the address was suppressed was never
 * attempted: it gets its own key, `email.bounced:suppressed`.
 */
export const EVENTS = [
  "email.sent",
  "email.scheduled",
  "email.delivered",
  "email.delivery_delayed",
  "email.complained",
  "email.bounced",
  "email.bounced:suppressed",
  "email.opened",
  "email.clicked",
  "email.failed",
  "email.suppressed",
  "email.received",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "domain.created",
  "domain.updated",
  "domain.deleted",
  "suppression.added",
  "suppression.removed",
] as const;
export type ResendEvent = (typeof EVENTS)[number];

const CONTACT = ignore("about a contact in an audience, not about a message");
const DOMAIN = ignore("about a sending domain's set-up, not about a message");

export const MAPPING: Mapping<ResendEvent> = {
  // "The API request was successful. Resend will attempt to deliver the message": not yet attempted.
  "email.sent": "queued",
  // Resend holds the message until the time the sender scheduled.
  "email.scheduled": "delayed",
  "email.delivered": "delivered",
  // docs/vocabulary.md names this event as its example of `delayed`.
  "email.delivery_delayed": "delayed",
  // "delivered, but the recipient marked it as spam".
  "email.complained": "spam",
  // "the recipient's mail server permanently rejected the email"; `bounce.type` gives the class.
  "email.bounced": "bounced",
  // subType Suppressed or OnAccountSuppressionList: the sending service did not send to the address.
  "email.bounced:suppressed": "dropped",
  "email.opened": "opened",
  "email.clicked": "clicked",
  // "failed to send due to an error": invalid recipients, API key, domain verification, quota.
  "email.failed": "failed",
  // "suppressed by Resend": the address is on the suppression list, so nothing was sent.
  "email.suppressed": "dropped",
  "email.received": ignore("an inbound email Resend received, not an outbound delivery"),
  "contact.created": CONTACT,
  "contact.updated": CONTACT,
  "contact.deleted": CONTACT,
  "domain.created": DOMAIN,
  "domain.updated": DOMAIN,
  "domain.deleted": DOMAIN,
  "suppression.added": ignore("a change to the suppression list; the message's own email.bounced or email.complained reports it"),
  "suppression.removed": ignore("an address taken off the suppression list: no status for it, and it names no message"),
};

/** Bounce `subType`s (lower-cased) meaning the address was suppressed before any attempt. */
export const SUPPRESSION_SUBTYPES: ReadonlySet<string> = new Set(["suppressed", "onaccountsuppressionlist"]);

/**
 * `bounce.type` (lower-cased) -> class, from Resend's bounce types
 * (https://resend.com/docs/dashboard/emails/email-bounces): Permanent, Transient, Undetermined.
 * The webhook page's field list writes the transient type as "Temporary"; both are read.
 */
export const BOUNCE_CLASSES: ReadonlyMap<string, BounceClass> = new Map([
  ["permanent", "hard"],
  ["transient", "soft"],
  ["temporary", "soft"],
  ["undetermined", "undetermined"],
]);

/** Bounce `subType`s (lower-cased) that say more than "bounced": an address that does not exist, refused content. */
export const BOUNCE_REASONS: ReadonlyMap<string, RejectReason> = new Map([
  ["noemail", "invalid"],
  ["contentrejected", "blocked"],
  ["attachmentrejected", "blocked"],
  // The global list of addresses with a recent history of hard bounces.
  ["suppressed", "bounced"],
  // The account's own list holds bounces, complaints and hand-added addresses alike.
  ["onaccountsuppressionlist", "other"],
]);
