import { count, field, fitting, isRecord, lower, perEvent, text, WIRE_LIMITS, type EventDetails } from "@tidings/core";
import { errorCodeInfo } from "./error-codes.js";
import { UNCONFIRMED_CODES } from "./mapping.js";

/**
 * Every notification is an envelope (`uuid`, `event`, `timestamp`, `subscriptionId`, `ownerId`)
 * around `body`, the event filter's payload (https://developers.ringcentral.com/guide/notifications/event-filters).
 * For SMS that payload is a message record, or the message store's change counts.
 */
function record(raw: unknown): unknown {
  return field(raw, "body");
}

/** The message store event: `changes[]` of counts per message type, no message and no status. */
function isChangeSummary(message: unknown): boolean {
  return Array.isArray(field(message, "changes"));
}

function isInbound(message: unknown): boolean {
  return lower(field(message, "direction")) === "inbound";
}

/**
 * A message store record lists each recipient in `to[]` with its own `messageStatus` (API
 * reference, MessageStoreCallerInfoResponseTo); the record's own status is an aggregate ("if a
 * status for at least one recipient is Queued, then Queued is returned"). RingCentral documents no
 * recipient limit for a group message; this bounds how often one notification is copied.
 */
export const MAX_RECIPIENTS = 50;

/** Where a fanned-out copy's recipient stood in the original `to[]`; keyed by the copies `split` makes. */
const positions = new WeakMap<object, number>();

/**
 * One raw event per recipient of an outbound message. High Volume SMS sends one message per
 * recipient (`to` holds one number), so most notifications pass through as received; a record
 * listing several recipients is copied once per recipient, `to` narrowed to that one entry.
 * Inbound messages list every party of a group conversation and stay whole.
 */
export function split(body: unknown): unknown[] {
  const message = record(body);
  const to = field(message, "to");
  if (!isRecord(body) || !isRecord(message) || !Array.isArray(to) || to.length <= 1 || to.length > MAX_RECIPIENTS) return [body];
  if (isInbound(message) || isChangeSummary(message)) return [body];
  return to.map((entry, index) => {
    // Spreads define own data properties, so a `__proto__` key in the payload stays a plain key.
    const event = { ...body, body: { ...message, to: [entry] } };
    positions.set(event, index);
    return event;
  });
}

/** The one recipient an outbound event is about: a number (High Volume SMS) or a caller-info record. */
function recipientEntry(message: unknown): unknown {
  const to = field(message, "to");
  return Array.isArray(to) && to.length === 1 ? to[0] : undefined;
}

function recipientNumber(raw: unknown): string | undefined {
  const entry = recipientEntry(record(raw));
  return text(isRecord(entry) ? field(entry, "phoneNumber") : entry);
}

/**
 * RingCentral's status names, compared case-insensitively; each name is its own key too, so a
 * status spelled as documented is found without lower-casing it.
 */
const STATUS_NAMES: ReadonlyMap<string, string> = new Map(
  ["Queued", "Sent", "Delivered", "DeliveryFailed", "SendingFailed", "Received"].flatMap((name) => [[name.toLowerCase(), name] as const, [name, name] as const]),
);

/** The recipient's own status when its entry carries one, else the message's. */
function messageStatus(message: unknown): string | undefined {
  const entry = recipientEntry(message);
  return text(isRecord(entry) ? field(entry, "messageStatus") : undefined) ?? text(field(message, "messageStatus"));
}

/** `errorCode` (High Volume SMS) or `deliveryErrorCode` (message store), e.g. `SMS-CAR-411`. */
function errorCode(message: unknown): string | undefined {
  const code = field(message, "errorCode");
  return text(code !== undefined && code !== null && code !== "" ? code : field(message, "deliveryErrorCode"));
}

/** The event's name, status and error code, which the engine's name, date, response and details all need. */
interface Facts {
  readonly name: string | undefined;
  readonly status: string | undefined;
  readonly code: string | undefined;
}

/** Read once per event. */
const factsOf = perEvent((raw): Facts => {
  const message = record(raw);
  const status = messageStatus(message);
  const code = errorCode(message);
  return { name: nameOf(message, status, code), status, code };
});

/**
 * `changes` for the message store's summaries, `Inbound` for messages the customer received, and
 * otherwise the message status: `DeliveryFailed:unconfirmed` when the carrier only said it does
 * not know. A record about several recipients at once has no single status: no name.
 */
function nameOf(message: unknown, status: string | undefined, code: string | undefined): string | undefined {
  if (isChangeSummary(message)) return "changes";
  if (isInbound(message)) return "Inbound";
  const to = field(message, "to");
  if (Array.isArray(to) && to.length > 1) return undefined;
  if (status === undefined) return undefined;
  const name = STATUS_NAMES.get(status) ?? STATUS_NAMES.get(status.toLowerCase()) ?? status;
  return name === "DeliveryFailed" && code !== undefined && UNCONFIRMED_CODES.has(code.toUpperCase()) ? "DeliveryFailed:unconfirmed" : name;
}

export function eventName(raw: unknown): string | undefined {
  return factsOf(raw).name;
}

/**
 * When the status changed: `smsDeliveryTime` for a delivery ("when outbound SMS was delivered to
 * recipient's handset"), else `lastModifiedTime` ("when this message was last updated"), else the
 * envelope's `timestamp` (when the notification was sent). Times carry microseconds
 * (`2021-05-26T04:16:08.107007Z`); the engine keeps the milliseconds and drops the rest.
 */
export function date(raw: unknown): string | undefined {
  const message = record(raw);
  const delivered = isDelivered(factsOf(raw).status) ? dateText(field(message, "smsDeliveryTime")) : undefined;
  return delivered ?? dateText(field(message, "lastModifiedTime")) ?? dateText(field(raw, "timestamp"));
}

/** `lower(status) === "delivered"`, without lower-casing the usual spelling. */
function isDelivered(status: string | undefined): boolean {
  return status === "Delivered" || lower(status) === "delivered";
}

/** RingCentral writes every time as ISO 8601 text; a number there is not one of its times. */
function dateText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `body.id`, the message id the send API returns (a number in the message store, text in High Volume SMS). */
export function externalId(raw: unknown): string | undefined {
  return fitting(text(field(record(raw), "id")), WIRE_LIMITS.externalId);
}

/**
 * The notification's `uuid`; a copy made for one recipient adds the recipient's number (its
 * position when it has none): `<uuid>#+16501112222`.
 */
export function eventId(raw: unknown): string | undefined {
  const uuid = text(field(raw, "uuid"));
  const position = isRecord(raw) ? positions.get(raw) : undefined;
  if (uuid === undefined || position === undefined) return uuid;
  return fitting(`${uuid}#${recipientNumber(raw) ?? position}`, WIRE_LIMITS.resultId);
}

/** `smsSendingAttemptsCount`: "attempts made to send an outbound SMS to the Gateway". */
export function attempts(raw: unknown): number | undefined {
  return count(field(record(raw), "smsSendingAttemptsCount"));
}

/** The error code with RingCentral's description of it: `SMS-CAR-411: Destination number invalid, ...`. */
export function response(raw: unknown): string | undefined {
  const { code } = factsOf(raw);
  if (code === undefined) return undefined;
  const info = errorCodeInfo(code.toUpperCase());
  return fitting(info === undefined ? code : `${code}: ${info.description}`, WIRE_LIMITS.text);
}

const FAILURES: ReadonlySet<string> = new Set(["DeliveryFailed", "SendingFailed"]);

/** Only the fields present are written, in the order the details have always listed them. */
export function details(raw: unknown): EventDetails {
  const { name, code } = factsOf(raw);
  const out: EventDetails = {};
  const recipient = fitting(recipientNumber(raw), WIRE_LIMITS.recipient);
  if (recipient !== undefined) out.recipient = recipient;
  if (code === undefined) return out;
  const description = response(raw);
  if (description !== undefined) out.description = description;
  const rejectReason = FAILURES.has(name ?? "") ? errorCodeInfo(code.toUpperCase())?.rejectReason : undefined;
  if (rejectReason !== undefined) out.rejectReason = rejectReason;
  return out;
}
