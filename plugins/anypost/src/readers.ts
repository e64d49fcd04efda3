import { at, count, describeFields, field, lower, text, textList, textMap, type BounceClass, type EventDetails, type RejectReason } from "@tidings/core";

/**
 * Anypost POSTs `{ batch_id, timestamp, events: [...] }` ("The delivery request",
 * https://anypost.com/docs/webhooks); each event is `{ id, type, occurred_at, data }` and `data`
 * "always carries email_id; the rest depends on the event type" (the SDKs' WebhookDeliveryEvent).
 * A bare list of events, or one event alone, is read as those events (assumed: replays).
 */
export function split(body: unknown): unknown[] {
  const events = field(body, "events");
  if (Array.isArray(events)) return events;
  return Array.isArray(body) ? body : [body];
}

export function eventName(raw: unknown): string | undefined {
  return lower(field(raw, "type"));
}

/** `occurred_at`, ISO 8601 UTC. */
export function date(raw: unknown): string | undefined {
  const occurredAt = field(raw, "occurred_at");
  return typeof occurredAt === "string" ? occurredAt : undefined;
}

/** `data.email_id`: the `email_<uuidv7>` id POST /v1/email returns as `id`. */
export function externalId(raw: unknown): string | undefined {
  return text(at(raw, "data", "email_id"));
}

/** The event's `id`, "stable across retries". */
export function eventId(raw: unknown): string | undefined {
  return text(field(raw, "id"));
}

export function attempts(raw: unknown): number | undefined {
  return count(at(raw, "data", "attempt"));
}

const RESPONSE_FIELDS = {
  "bounce type": [["bounce_type"]],
  classification: [["bounce_classification"]],
  "smtp code": [["smtp_code"]],
} as const;

export function response(raw: unknown): string | undefined {
  return describeFields(field(raw, "data"), RESPONSE_FIELDS);
}

interface BounceReading {
  readonly bounceClass: BounceClass;
  readonly rejectReason: RejectReason;
}

/**
 * `bounce_type` of `email.bounced`. The Python and Java SDKs document permanent (the receiver
 * refused the address, 5xx), transient (a temporary failure still unresolved when reported) and
 * expired (72 hours in the retry queue without reaching the receiver: "not a hard bounce"); the
 * Node and Go SDKs give `Hard` and `Soft` as examples.
 */
const BOUNCE_TYPES: ReadonlyMap<string, BounceReading> = new Map([
  ["permanent", { bounceClass: "hard", rejectReason: "bounced" }],
  ["hard", { bounceClass: "hard", rejectReason: "bounced" }],
  ["transient", { bounceClass: "soft", rejectReason: "bounced" }],
  ["soft", { bounceClass: "soft", rejectReason: "bounced" }],
  ["expired", { bounceClass: "soft", rejectReason: "timed_out" }],
]);
const UNKNOWN_BOUNCE: BounceReading = { bounceClass: "undetermined", rejectReason: "bounced" };

function bounceReading(name: string | undefined, data: unknown): Partial<BounceReading> {
  if (name === "email.delayed") return { bounceClass: "soft" };
  if (name !== "email.bounced") return {};
  return BOUNCE_TYPES.get(lower(field(data, "bounce_type")) ?? "") ?? UNKNOWN_BOUNCE;
}

/** `data.tracking.bot` marks an open or click made through a mailbox image proxy (Gmail's, Yahoo's...). */
const BOT_FIELDS = { bot: [["kind"]], source: [["source"]] } as const;

const SMTP_CODE = /^[2-5]\d\d$/;

export function details(raw: unknown): EventDetails {
  const data = field(raw, "data");
  const smtpCode = text(field(data, "smtp_code"));
  return {
    recipient: text(field(data, "recipient")),
    tags: textList(field(data, "tags")),
    // The send's own labels: Anypost has no free-form custom arguments on events.
    metadata: textMap({ campaign: field(data, "campaign"), topic: field(data, "topic") }),
    ...bounceReading(eventName(raw), data),
    smtpCode: smtpCode !== undefined && SMTP_CODE.test(smtpCode) ? smtpCode : undefined,
    description: text(field(data, "bounce_classification")) ?? describeFields(at(data, "tracking", "bot"), BOT_FIELDS),
  };
}
