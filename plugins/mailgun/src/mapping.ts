import { ignore, type Mapping } from "@tidings/core";

/**
 * Both generations of Mailgun webhooks. The current ones (JSON, `event-data.event`, Events API
 * names: https://documentation.mailgun.com/docs/mailgun/user-manual/events/event-types) split `failed` by
 * `severity`, as Mailgun itself does. The legacy ones (form or multipart posts, the top-level
 * `event`, read-only since April 2023: https://help.mailgun.com/hc/en-us/articles/14048832145051-Legacy-Webhooks)
 * share five names with them and add `dropped` and `bounced`.
 */
export const EVENTS = [
  "accepted",
  "rejected",
  "delivered",
  "failed:permanent",
  "failed:temporary",
  "opened",
  "clicked",
  "unsubscribed",
  "complained",
  "stored",
  // Legacy webhooks only.
  "dropped",
  "bounced",
] as const;
export type MailgunEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<MailgunEvent> = {
  accepted: "queued",
  rejected: "rejected",
  delivered: "delivered",
  "failed:permanent": "bounced",
  "failed:temporary": "deferred",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "spam",
  stored: ignore("an inbound message was stored: not about an outbound delivery"),
  // Mailgun stopped trying, or never tried: a suppressed address, or 8 hours of retries ("old").
  dropped: "dropped",
  // The legacy bounce webhook fires on hard bounces only.
  bounced: "bounced",
};
