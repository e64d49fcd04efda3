import { ignore, type Mapping } from "@tidings/core";

/**
 * MailerSend webhook events, by the payload's top-level `type`: the "Available events" table of
 * https://developers.mailersend.com/api/v1/webhooks, plus the names the official SDKs list for
 * webhook subscriptions (`recipient.on_hold_*`), `activity.suppressed` (an activity type of the
 * activity API that other receivers handle as a webhook: assumed) and `webhook.test`, the ping
 * MailerSend posts when a webhook is saved. README.md says why each near-synonym lands where it does.
 */
export const EVENTS = [
  "activity.sent",
  "activity.delivered",
  "activity.deferred",
  "activity.soft_bounced",
  "activity.hard_bounced",
  "activity.suppressed",
  "activity.opened",
  "activity.opened_unique",
  "activity.clicked",
  "activity.clicked_unique",
  "activity.unsubscribed",
  "activity.spam_complaint",
  "activity.survey_opened",
  "activity.survey_submitted",
  "sender_identity.verified",
  "maintenance.start",
  "maintenance.end",
  "inbound_forward.failed",
  "email_single.verified",
  "email_list.verified",
  "bulk_email.completed",
  "recipient.on_hold_added",
  "recipient.on_hold_removed",
  "webhook.test",
] as const;
export type MailerSendEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<MailerSendEvent> = {
  // "Sent from our sending servers. We are now waiting for a response from the receiving servers."
  "activity.sent": "sent",
  "activity.delivered": "delivered",
  // The receiving server refused for now and MailerSend retries until delivery or the end of its window.
  "activity.deferred": "deferred",
  // Sent once MailerSend's retries are over (its deferred-status announcement): final for this
  // message, so bounced with class soft, not deferred.
  "activity.soft_bounced": "bounced",
  "activity.hard_bounced": "bounced",
  // MailerSend did not send: the recipient is on one of its suppression lists.
  "activity.suppressed": "dropped",
  // Every open, and the first open only: tick one of the two to avoid counting an open twice.
  "activity.opened": "opened",
  "activity.opened_unique": "opened",
  "activity.clicked": "clicked",
  "activity.clicked_unique": "clicked",
  "activity.unsubscribed": "unsubscribed",
  // "The recipient marks your emails as spam or junk."
  "activity.spam_complaint": "spam",
  // The first open of an email that holds a survey is an open of that email.
  "activity.survey_opened": "opened",
  "activity.survey_submitted": ignore("the recipient answered a survey; the vocabulary has no status for it (the answers stay in row)"),
  "sender_identity.verified": ignore("a sender identity of the account was verified; no message is involved"),
  "maintenance.start": ignore("MailerSend's maintenance window began; it is about the service, not a message"),
  "maintenance.end": ignore("MailerSend's maintenance window ended; it is about the service, not a message"),
  "inbound_forward.failed": ignore("an inbound message could not be forwarded; it is not an outbound message"),
  "email_single.verified": ignore("the result of MailerSend's address verification service, not of a sending"),
  "email_list.verified": ignore("the result of MailerSend's list verification service, not of a sending"),
  "bulk_email.completed": ignore("a bulk send request was processed; each message reports its own events"),
  "recipient.on_hold_added": ignore("an address was put on hold; it names no message (a suppressed send reports activity.suppressed)"),
  "recipient.on_hold_removed": ignore("an address left the on-hold list; the vocabulary has no status for it"),
  "webhook.test": ignore("the ping MailerSend posts to check the URL when a webhook is saved"),
};

