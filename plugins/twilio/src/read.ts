import { field, text, type EventDetails } from "@tidings/core";
import { knownError } from "./errors.js";

/** One status callback is one form-encoded event. */
export function split(body: unknown): readonly unknown[] {
  return [body];
}

/** `MessageStatus`, or the older `SmsStatus` Twilio still sends beside it, in any case. */
export function eventName(raw: unknown): string | undefined {
  return (text(field(raw, "MessageStatus")) ?? text(field(raw, "SmsStatus")))?.toLowerCase();
}

/** The Message SID the send call returned (`SM...`, `MM...`); `SmsSid` repeats it. */
export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "MessageSid")) ?? text(field(raw, "SmsSid"));
}

/** Result ids longer than this are not valid; the engine then hashes the event instead. */
const MAX_EVENT_ID_LENGTH = 512;

/**
 * Twilio numbers no callback, so the event is the message and the status it reached: a
 * re-delivered callback is the same event, whatever else (headers, added parameters) differs.
 */
export function eventId(raw: unknown): string | undefined {
  const sid = externalId(raw);
  const status = eventName(raw);
  if (sid === undefined || status === undefined) return undefined;
  const id = `${sid}:${status}`;
  return id.length <= MAX_EVENT_ID_LENGTH ? id : undefined;
}

/** The error a failed or undelivered message carries, and a WhatsApp sender's own failure text. */
export function response(raw: unknown): string | undefined {
  return joined(errorText(raw), text(field(raw, "ChannelStatusMessage")));
}

/** Only the fields present are set: the engine then keeps the object as it is. */
export function details(raw: unknown): EventDetails {
  const out: EventDetails = {};
  const recipient = text(field(raw, "To"));
  if (recipient !== undefined) out.recipient = recipient;
  const code = text(field(raw, "ErrorCode"));
  if (code !== undefined) {
    const status = eventName(raw);
    const reason = status === "failed" || status === "undelivered" ? knownError(code)?.rejectReason : undefined;
    if (reason !== undefined) out.rejectReason = reason;
  }
  const description = joined(joined(errorText(raw), text(field(raw, "ChannelStatusMessage"))), carrierDoneDate(raw));
  if (description !== undefined) out.description = description;
  return out;
}

/** core's joinParts for two parts, without a list per call. */
function joined(first: string | undefined, second: string | undefined): string | undefined {
  if (first === undefined || first === "") return second === "" ? undefined : second;
  return second === undefined || second === "" ? first : `${first}; ${second}`;
}

/** "error 30003: Unreachable destination handset": Twilio's ErrorMessage when sent, else the dictionary's title. */
function errorText(raw: unknown): string | undefined {
  const code = text(field(raw, "ErrorCode"));
  if (code === undefined) return undefined;
  const meaning = text(field(raw, "ErrorMessage")) ?? knownError(code)?.title;
  return meaning === undefined ? `error ${code}` : `error ${code}: ${meaning}`;
}

const YYMMDDHHMM = /^\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d$/;

/**
 * `RawDlrDoneDate` passes on the Done Date of the carrier's delivery receipt as YYMMDDhhmm, in
 * no stated zone, so it cannot date the event; it is offered as text for whoever knows the
 * carrier. Anything not in that form is left out.
 */
function carrierDoneDate(raw: unknown): string | undefined {
  const value = text(field(raw, "RawDlrDoneDate"));
  return value !== undefined && YYMMDDHHMM.test(value) ? `carrier receipt done date ${value} (YYMMDDhhmm, zone not stated)` : undefined;
}
