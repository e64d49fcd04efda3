import { ignore, type Mapping } from "@tidings/core";

/**
 * Everlytic transactional webhooks, legacy field set (the older transactional callbacks).
 * Documented: help.everlytic.com "Webhook payloads" and "Callbacks (transactional only)": an
 * `event` object with `event_id, event_date, event_type, email_to, group_name, custom_headers,
 * trans_id`, older pages posting it as a form field `event=<JSON text>`. The exact event_type
 * spellings are not documented, so both the webhook and the display spellings are listed.
 */
export const EVENTS = [
  "sent",
  "delivered",
  "failed",
  "bounce",
  "bounced",
  "open",
  "opened",
  "click",
  "clicked",
  "unsubscribe",
  "unsubscribed",
  "resubscribe",
  "resubscribed",
] as const;
export type EverlyticLegacyEvent = (typeof EVENTS)[number];

const RESUBSCRIBE = ignore("the vocabulary has no status for a recipient opting back in");

export const MAPPING: Mapping<EverlyticLegacyEvent> = {
  sent: "sent",
  delivered: "delivered",
  failed: "failed",
  bounce: "bounced",
  bounced: "bounced",
  open: "opened",
  opened: "opened",
  click: "clicked",
  clicked: "clicked",
  unsubscribe: "unsubscribed",
  unsubscribed: "unsubscribed",
  resubscribe: RESUBSCRIBE,
  resubscribed: RESUBSCRIBE,
};
