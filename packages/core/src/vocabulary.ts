/**
 * The normalized delivery-event vocabulary: exactly the 20 values of Novu's `EventBody.status`
 * (a copy of the seed document is packages/core/test/seeds/novu-inbound-webhooks-delivery-providers.txt), in the document's order.
 * docs/vocabulary.md gives each one its single meaning; every plugin maps to these and nothing else.
 */
export const STATUSES = [
  "opened",
  "rejected",
  "sent",
  "deferred",
  "delivered",
  "bounced",
  "dropped",
  "clicked",
  "blocked",
  "spam",
  "unsubscribed",
  "delayed",
  "complaint",
  "created",
  "accepted",
  "queued",
  "sending",
  "failed",
  "undelivered",
  "dismissed",
] as const;

export type Status = (typeof STATUSES)[number];

const statusSet: ReadonlySet<string> = new Set(STATUSES);

export function isStatus(value: unknown): value is Status {
  return typeof value === "string" && statusSet.has(value);
}

/**
 * The lengths the wire schemas accept, in one place: schemas.ts uses them, and plugins that leave
 * an over-long provider value out (rather than lose the whole event) read them here.
 */
export const WIRE_LIMITS = {
  resultId: 512,
  externalId: 1024,
  text: 65_536,
  recipient: 1024,
  tag: 1024,
  tags: 256,
  metadataKey: 256,
  metadataValue: 8192,
  clickUrl: 8192,
  userAgent: 2048,
  ip: 64,
} as const;

/** How the receiving side classified a failed delivery (django-anymail's bounce classes). */
export const BOUNCE_CLASSES = ["hard", "soft", "undetermined"] as const;
/** Why a message was not delivered, in one word a suppression list can act on. */
export const REJECT_REASONS = ["invalid", "bounced", "timed_out", "blocked", "spam", "unsubscribed", "other"] as const;
/** Where `date` came from: the provider's event time, or the receive time when the provider sends none. */
export const DATE_SOURCES = ["provider", "received"] as const;
export type BounceClass = (typeof BOUNCE_CLASSES)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * The fields EventDetails defines, and no others (the schema is strict). schemas.ts builds its
 * object from exactly these names, so the two cannot drift.
 */
export const DETAIL_FIELDS = [
  "recipient",
  "tags",
  "metadata",
  "clickUrl",
  "userAgent",
  "ip",
  "bounceClass",
  "rejectReason",
  "smtpCode",
  "enhancedStatus",
  "mtaResponse",
  "description",
  "dateSource",
] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];
