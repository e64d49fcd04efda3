import { ignore, type Mapping } from "@tidings/core";

/**
 * SendGrid Event Webhook events (docs.sendgrid.com "Event Webhook reference"). A bounce with
 * `type: "blocked"` is a receiver's policy refusal, so it gets its own key, `bounce:blocked`.
 */
export const EVENTS = [
  "processed",
  "deferred",
  "delivered",
  "bounce",
  "bounce:blocked",
  "dropped",
  "open",
  "click",
  "spamreport",
  "unsubscribe",
  "group_unsubscribe",
  "group_resubscribe",
  "account_status_change",
] as const;
export type SendGridEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<SendGridEvent> = {
  processed: "queued",
  deferred: "deferred",
  delivered: "delivered",
  bounce: "bounced",
  "bounce:blocked": "blocked",
  dropped: "dropped",
  open: "opened",
  click: "clicked",
  spamreport: "spam",
  unsubscribe: "unsubscribed",
  group_unsubscribe: "unsubscribed",
  group_resubscribe: ignore("the vocabulary has no status for a recipient opting back in"),
  account_status_change: ignore("about the SendGrid account, not about a message"),
};
