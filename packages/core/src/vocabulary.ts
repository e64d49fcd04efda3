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
