import { at, field, isRecord, lower, text, textList, type EventDetails } from "@tidings/core";
import { OUTBOUND_TYPES, READ_RECEIPT } from "./mapping.js";

/** Event types whose `to[]` lists recipients of a message the customer sent, each with a status. */
const RECIPIENT_TYPES: ReadonlySet<string> = new Set([...OUTBOUND_TYPES, READ_RECEIPT]);

/** `/to/<index>` or `/to/<index>/...`: the JSON pointer by which an error names its recipient. */
const RECIPIENT_POINTER = /^\/to\/(\d+)(?:\/|$)/;

/**
 * Telnyx's most recipients for one message: a group MMS takes "a maximum of 8 recipients" (Group
 * Messaging). Each recipient's row repeats the event, so a longer list is not fanned out: kept whole
 * as one unmapped event rather than copied once per entry.
 */
export const MAX_RECIPIENTS = 8;

/**
 * Where a fanned-out event's recipient stood in the original `to[]`, for errors that point at it.
 * Keyed by the copies `split` makes, which live as long as one request's mapping.
 */
const positions = new WeakMap<object, number>();

function eventType(raw: unknown): string | undefined {
  return lower(at(raw, "data", "event_type"));
}

function recipientList(raw: unknown): unknown {
  return RECIPIENT_TYPES.has(eventType(raw) ?? "") ? at(raw, "data", "payload", "to") : undefined;
}

/** The recipient an event is about: the only `to[]` entry left after `split`. */
function recipient(raw: unknown): unknown {
  const to = recipientList(raw);
  return Array.isArray(to) && to.length === 1 ? to[0] : undefined;
}

/**
 * One raw event per recipient. Telnyx posts one event per request; a message to several
 * recipients (group MMS) lists them all in `to[]`, each with its own status. Each copy keeps the
 * whole event with `to` narrowed to one entry, so its `row` says which recipient it is about;
 * a single-recipient event is passed on as received.
 */
export function split(body: unknown): unknown[] {
  const to = recipientList(body);
  if (!Array.isArray(to) || to.length <= 1 || to.length > MAX_RECIPIENTS || !isRecord(body)) return [body];
  const data = field(body, "data");
  const payload = field(data, "payload");
  return to.map((entry, index) => {
    // Spreads define own data properties, so a `__proto__` key in the payload stays a plain key.
    const event = { ...body, data: { ...(data as object), payload: { ...(payload as object), to: [entry] } } };
    positions.set(event, index);
    return event;
  });
}

/** `message.finalized:delivered`: the event type, refined by the recipient's status. */
export function eventName(raw: unknown): string | undefined {
  const type = eventType(raw);
  if (type === undefined || !RECIPIENT_TYPES.has(type)) return type;
  const status = lower(field(recipient(raw), "status"));
  return status === undefined ? undefined : `${type}:${status}`;
}

/** `data.occurred_at`, "when the event occurred"; Telnyx tells receivers to order events by it. */
export function date(raw: unknown): string | undefined {
  const value = at(raw, "data", "occurred_at");
  return typeof value === "string" ? value : undefined;
}

/** `data.payload.id`, the message id the send API returns; `data.id` is the event's. */
export function externalId(raw: unknown): string | undefined {
  return text(at(raw, "data", "payload", "id"));
}

/**
 * `data.id`, which Telnyx keeps across re-deliveries ("use the data.id field as an idempotency
 * key"). One event about several recipients gives one result each, so a recipient's result adds
 * its phone number (its position when it has none): `<data.id>#+13125550002`.
 */
export function eventId(raw: unknown): string | undefined {
  const id = text(at(raw, "data", "id"));
  const entry = recipient(raw);
  if (id === undefined || entry === undefined) return id;
  return `${id}#${text(field(entry, "phone_number")) ?? positionOf(raw)}`;
}

function positionOf(raw: unknown): number {
  return (isRecord(raw) ? positions.get(raw) : undefined) ?? 0;
}

/**
 * The payload's `errors` that concern this recipient, each as `code: title — detail`. An error
 * whose `source.pointer` names another `to[]` entry ("These errors may point at addressees", SDK
 * `MessagingError`) belongs to that recipient's result only.
 */
export function errorsText(raw: unknown): string | undefined {
  const errors = at(raw, "data", "payload", "errors");
  if (!Array.isArray(errors)) return undefined;
  const position = positionOf(raw);
  const described = errors.filter((error) => pointsAt(error, position)).map(describeError).filter((line) => line !== undefined);
  return described.length === 0 ? undefined : described.join("; ");
}

function pointsAt(error: unknown, position: number): boolean {
  const pointer = text(at(error, "source", "pointer"));
  const match = pointer === undefined ? null : RECIPIENT_POINTER.exec(pointer);
  return match === null || Number(match[1]) === position;
}

function describeError(error: unknown): string | undefined {
  const code = text(field(error, "code"));
  const title = text(field(error, "title"));
  const detail = text(field(error, "detail"));
  const head = code !== undefined && title !== undefined ? `${code}: ${title}` : (title ?? code);
  if (head === undefined) return detail;
  return detail === undefined ? head : `${head} — ${detail}`;
}

export function details(raw: unknown): EventDetails {
  const description = errorsText(raw);
  return {
    recipient: text(field(recipient(raw), "phone_number")),
    tags: textList(at(raw, "data", "payload", "tags")),
    // An expired message is one the carrier could not deliver within its validity period.
    rejectReason: lower(field(recipient(raw), "status")) === "expired" ? "timed_out" : undefined,
    description,
  };
}
