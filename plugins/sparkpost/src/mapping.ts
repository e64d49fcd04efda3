import { ignore, type Mapping } from "@tidings/core";

/**
 * SparkPost event webhook types, as the events documentation endpoint lists them
 * (https://developers.sparkpost.com/api/webhooks/, GET /api/v1/webhooks/events/documentation).
 *
 * `bounce` and `out_of_band` are refined by their bounce class (see bounce-classes.ts): a
 * receiver's block, SparkPost's own policy, and replies that SparkPost files as bounces
 * (auto-replies, subscribe and unsubscribe requests) are not the same outcome as a bounce.
 * Ingest results carry the generic types `success` and `error`, so their category names them.
 * `ping` is the empty wrapper `{"msys": {}}` SparkPost posts when a webhook is created or tested.
 */
export const EVENTS = [
  "injection",
  "delivery",
  "delay",
  "bounce",
  "bounce:block",
  "bounce:admin",
  "bounce:auto_reply",
  "bounce:subscribe",
  "bounce:unsubscribe",
  "out_of_band",
  "out_of_band:block",
  "out_of_band:admin",
  "out_of_band:auto_reply",
  "out_of_band:subscribe",
  "out_of_band:unsubscribe",
  "policy_rejection",
  "generation_failure",
  "generation_rejection",
  "spam_complaint",
  "open",
  "initial_open",
  "amp_open",
  "amp_initial_open",
  "click",
  "amp_click",
  "list_unsubscribe",
  "link_unsubscribe",
  "sms_status",
  "relay_injection",
  "relay_rejection",
  "relay_delivery",
  "relay_tempfail",
  "relay_permfail",
  "ab_test_completed",
  "ab_test_cancelled",
  "ingest:success",
  "ingest:error",
  "ping",
] as const;
export type SparkPostEvent = (typeof EVENTS)[number];

const AUTO_REPLY = ignore("an auto-reply or challenge-response to a delivered message (bounce class 60 or 100), not a delivery failure");
const SUBSCRIBE = ignore("a subscribe request sent in reply (bounce class 80): the vocabulary has no status for opting in");
const RELAY = ignore("about inbound mail relayed to the customer, not about a sent message");

export const MAPPING: Mapping<SparkPostEvent> = {
  // Generated and queued for delivery ("Email successfully generated or relayed to SparkPost").
  injection: "queued",
  delivery: "delivered",
  // "Remote MTA has temporarily rejected a message": SparkPost retries.
  delay: "deferred",
  // "Recipient mailbox provider permanently rejected the email": the final disposition.
  bounce: "bounced",
  "bounce:block": "blocked",
  // Bounce class 25, "failed by SparkPost's configured policies": SparkPost chose not to send.
  "bounce:admin": "dropped",
  "bounce:auto_reply": AUTO_REPLY,
  "bounce:subscribe": SUBSCRIBE,
  // Bounce class 90, "an unsubscribe request": the recipient opted out by reply.
  "bounce:unsubscribe": "unsubscribed",
  // "Rejected the email after initially accepting it": a bounce that arrived later.
  out_of_band: "bounced",
  "out_of_band:block": "blocked",
  "out_of_band:admin": "dropped",
  "out_of_band:auto_reply": AUTO_REPLY,
  "out_of_band:subscribe": SUBSCRIBE,
  "out_of_band:unsubscribe": "unsubscribed",
  // Refused when the message was handed to SparkPost (limits, unconfigured domain, SMTP suppression).
  policy_rejection: "rejected",
  // "Email generation failed due to a technical reason" (a template error, say).
  generation_failure: "failed",
  // Accepted, then not generated for this recipient: typically a suppression list entry.
  generation_rejection: "dropped",
  // "Recipient marked the email as spam", reported through a feedback loop.
  spam_complaint: "spam",
  open: "opened",
  // The pixel at the top of the message: the only open recorded when a client clips the message.
  initial_open: "opened",
  amp_open: "opened",
  amp_initial_open: "opened",
  click: "clicked",
  amp_click: "clicked",
  list_unsubscribe: "unsubscribed",
  link_unsubscribe: "unsubscribed",
  sms_status: ignore("SparkPost's discontinued SMS channel; the report carries no message id and the docs no longer show it"),
  relay_injection: RELAY,
  relay_rejection: RELAY,
  relay_delivery: RELAY,
  relay_tempfail: RELAY,
  relay_permfail: RELAY,
  ab_test_completed: ignore("about an A/B test, not a message"),
  ab_test_cancelled: ignore("about an A/B test, not a message"),
  "ingest:success": ignore("about an Ingest API batch, not a message"),
  "ingest:error": ignore("about an Ingest API batch, not a message"),
  ping: ignore("the empty batch SparkPost posts when a webhook is created or tested"),
};
