import { contentHash, count, field, isRecord, lower, perEvent, setOwn, text, toIsoDate, type EventDetails } from "@tidings/core";
import { DLR_ERRORS } from "./mapping.js";

/**
 * The fields Vonage adds to a delivery receipt only to sign it. They are left out of the result
 * id, so a receipt re-sent with a fresh nonce, or received unsigned, keeps its id.
 */
const SIGNING_FIELDS: readonly string[] = ["sig", "nonce", "timestamp"];

type Shape = "messages" | "dlr";

/**
 * A Messages API status carries `message_uuid`; an SMS API delivery receipt `messageId`. Every
 * reader asks for the shape, so it is worked out once per event.
 */
const shapeOf = perEvent((raw): Shape | undefined =>
  text(field(raw, "message_uuid")) !== undefined ? "messages" : text(field(raw, "messageId")) !== undefined ? "dlr" : undefined,
);

export function eventName(raw: unknown): string | undefined {
  const shape = shapeOf(raw);
  const status = lower(field(raw, "status"));
  return shape === undefined || status === undefined || status === "" ? undefined : `${shape}:${status}`;
}

const UTC_TEXT = { assumeOffset: "Z" } as const;
const EPOCH_SECONDS = { epoch: "seconds" } as const;

/**
 * Messages API: `timestamp`, ISO 8601. SMS API: `message-timestamp`, "the time when Vonage
 * started to push this Delivery Receipt", UTC wall-clock text; its signed twin `timestamp` (epoch
 * seconds) stands in when it is missing. `scts` is the carrier's local time (the documented
 * example is an hour ahead of `message-timestamp`), so it is never the event time.
 */
export function date(raw: unknown): string | undefined {
  if (shapeOf(raw) === "messages") return text(field(raw, "timestamp"));
  return toIsoDate(text(field(raw, "message-timestamp")), UTC_TEXT) ?? toIsoDate(count(field(raw, "timestamp")), EPOCH_SECONDS);
}

/** The id the send call returned: `message_uuid` (Messages API), `messageId` (SMS API). */
export function externalId(raw: unknown): string | undefined {
  return shapeOf(raw) === "messages" ? text(field(raw, "message_uuid")) : text(field(raw, "messageId"));
}

/** Neither API gives an event id; a receipt is hashed without its signing fields (see SIGNING_FIELDS). */
export function eventId(raw: unknown): string | undefined {
  if (shapeOf(raw) !== "dlr" || !isRecord(raw)) return undefined;
  return contentHash(unsigned(raw));
}

/** The receipt without its signing fields, each key an own property (a `__proto__` one stays a key). */
function unsigned(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (SIGNING_FIELDS.includes(key)) continue;
    setOwn(out, key, raw[key]);
  }
  return out;
}

/** The error, as "code: description": the Messages API's `error.title` and `error.detail`, or the DLR's `err-code`. */
export function response(raw: unknown): string | undefined {
  return shapeOf(raw) === "messages" ? messagesError(raw) : dlrError(raw);
}

export function details(raw: unknown): EventDetails | undefined {
  return shapeOf(raw) === "messages" ? messagesDetails(raw) : dlrDetails(raw);
}

/** Only the fields present are set (here and in dlrDetails): the engine then keeps the object as it is. */
function messagesDetails(raw: unknown): EventDetails {
  const out: EventDetails = {};
  const recipient = text(field(raw, "to"));
  if (recipient !== undefined) out.recipient = recipient;
  const metadata = reference("client_ref", field(raw, "client_ref"));
  if (metadata !== undefined) out.metadata = metadata;
  const description = messagesError(raw);
  if (description !== undefined) out.description = description;
  return out;
}

function dlrDetails(raw: unknown): EventDetails {
  const out: EventDetails = {};
  const recipient = text(field(raw, "msisdn"));
  if (recipient !== undefined) out.recipient = recipient;
  const metadata = reference("client-ref", field(raw, "client-ref"));
  if (metadata !== undefined) out.metadata = metadata;
  const status = lower(field(raw, "status"));
  if (status === "expired") out.rejectReason = "timed_out";
  else if (status === "failed" || status === "rejected" || status === "unknown") out.rejectReason = DLR_ERRORS.get(errCode(raw) ?? "")?.reason ?? "other";
  const description = dlrError(raw);
  if (description !== undefined) out.description = description;
  return out;
}

/** The sender's own reference for the message, under the name it was sent with. */
function reference(name: string, value: unknown): Record<string, string> | undefined {
  const ref = text(value);
  return ref === undefined ? undefined : { [name]: ref };
}

function messagesError(raw: unknown): string | undefined {
  const error = field(raw, "error");
  const code = text(field(error, "title"));
  const detail = text(field(error, "detail"));
  if (code === undefined) return detail;
  return detail === undefined ? code : `${code}: ${detail}`;
}

function errCode(raw: unknown): string | undefined {
  return text(field(raw, "err-code"))?.trim();
}

/** `err-code` 0 means no error; any other code is named with its documented meaning when it has one. */
function dlrError(raw: unknown): string | undefined {
  const code = errCode(raw);
  if (code === undefined || allZeros(code)) return undefined;
  const meaning = DLR_ERRORS.get(code)?.meaning;
  return meaning === undefined ? `err-code ${code}` : `err-code ${code}: ${meaning}`;
}

function allZeros(code: string): boolean {
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) !== 48) return false;
  return code.length > 0;
}
