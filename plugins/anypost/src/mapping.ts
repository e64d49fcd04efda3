import { ignore, type Mapping } from "@tidings/core";

/**
 * Anypost's webhook event types: the nine of "Event types" (https://anypost.com/docs/webhooks,
 * the same list in every official SDK's `WebhookEventType`), and `webhook.test`, which the SDKs
 * type as the only other `type` a delivery carries (sent by POST /v1/webhooks/{id}/test).
 */
export const EVENTS = [
  "email.sent",
  "email.delivered",
  "email.delayed",
  "email.bounced",
  "email.complained",
  "email.suppressed",
  "email.unsubscribed",
  "email.opened",
  "email.clicked",
  "webhook.test",
] as const;
export type AnypostEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<AnypostEvent> = {
  // "Anypost accepted the message and handed it to the outbound mail system": no attempt yet.
  "email.sent": "queued",
  "email.delivered": "delivered",
  // "A delivery attempt failed temporarily and will be retried": the receiver's failure, Anypost retries.
  "email.delayed": "deferred",
  // "Delivery failed permanently", including a message that aged out of the retry queue (bounce_type expired).
  "email.bounced": "bounced",
  // "The recipient marked the message as spam": the recipient's report.
  "email.complained": "spam",
  // "The send was dropped because the address is on your suppression list".
  "email.suppressed": "dropped",
  "email.unsubscribed": "unsubscribed",
  "email.opened": "opened",
  "email.clicked": "clicked",
  "webhook.test": ignore("a test delivery sent by POST /v1/webhooks/{id}/test, not about a message"),
};
