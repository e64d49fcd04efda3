import type { Mapping } from "@tidings/core";

/**
 * Brevo transactional email webhook events, by the `event` value of the payload
 * (https://developers.brevo.com/docs/transactional-webhooks). The webhook set-up screen and API
 * name them differently (`hardBounce`, `uniqueOpened`, `invalid`); payloads use these.
 * README.md says why each near-synonym lands where it does.
 */
export const EVENTS = [
  "request",
  "delivered",
  "deferred",
  "soft_bounce",
  "hard_bounce",
  "blocked",
  "invalid_email",
  "error",
  "spam",
  "complaint",
  "unique_opened",
  "opened",
  "unique_proxy_open",
  "proxy_open",
  "click",
  "unsubscribed",
] as const;
export type BrevoEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<BrevoEvent> = {
  // Sent before Brevo decides whether to send at all: a `blocked` may follow it.
  request: "queued",
  delivered: "delivered",
  deferred: "deferred",
  // Brevo stops trying after a soft bounce; the message is not delivered (bounceClass soft).
  soft_bounce: "bounced",
  hard_bounce: "bounced",
  // Brevo's own decision not to send (blocklisted recipient or sender), not the receiver's.
  blocked: "dropped",
  invalid_email: "dropped",
  error: "failed",
  // The section Brevo heads "Spam" sits at the anchor #complaint; both names are the recipient's report.
  spam: "spam",
  complaint: "spam",
  // The first open and every later one; proxy opens are a mail-privacy proxy loading the pixel.
  unique_opened: "opened",
  opened: "opened",
  unique_proxy_open: "opened",
  proxy_open: "opened",
  click: "clicked",
  unsubscribed: "unsubscribed",
};
