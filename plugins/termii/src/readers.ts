import { field, fitting, lower, perEvent, text, toIsoDate, WIRE_LIMITS, type EventDetails } from "@tidings/core";
import { REJECT_REASONS } from "./mapping.js";

/**
 * Termii's `sent_at` ("2020-12-16 11:34:36") carries no zone. Termii is a Lagos company and
 * Nigeria keeps West Africa Time all year, so zone-less times are read as +01:00 (an assumption
 * the README states; a time with its own zone keeps it).
 */
export const SENT_AT_OFFSET = "+01:00";

/** One delivery report per call (https://developer.termii.com/events-and-reports). */
export function split(body: unknown): readonly unknown[] {
  return [body];
}

interface Status {
  readonly name: string;
  readonly said: string;
  readonly explanation: string | undefined;
}

/**
 * A status as Termii writes it: a name, sometimes followed by ` | ` and an explanation
 * (`DELIVERED | Message delivered to handset`), with whitespace runs made single spaces.
 * eventName, response and details all read it: it is read once per report.
 */
const status = perEvent(readStatus);

function readStatus(raw: unknown): Status | undefined {
  const value = field(raw, "status");
  if (typeof value !== "string") return undefined;
  const said = singleSpaced(value) ? value : value.replace(/\s+/g, " ").trim();
  const bar = said.indexOf("|");
  const name = (bar < 0 ? said : said.slice(0, bar)).trim().toLowerCase();
  if (name === "") return undefined;
  const explanation = bar < 0 ? undefined : said.slice(bar + 1).trim();
  return { name, said, explanation: explanation === "" ? undefined : explanation };
}

/**
 * Whether the whitespace normalization would leave `value` as it is: printable ASCII with single
 * spaces between words, as Termii writes its statuses. Anything else (a tab, a run of spaces,
 * one at either end, any non-ASCII character) goes through the regex.
 */
function singleSpaced(value: string): boolean {
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 32) {
      if (i === 0 || i === last || value.charCodeAt(i + 1) === 32) return false;
    } else if (c < 32 || c > 126) {
      return false;
    }
  }
  return true;
}

/** The device offline notification by its `type`; every other event by its status's name. */
export function eventName(raw: unknown): string | undefined {
  if (lower(field(raw, "type")) === "device_status") return "device_status";
  return status(raw)?.name;
}

/** `sent_at`, "the time the message was sent": the only time a delivery report carries. */
export function date(raw: unknown): string | undefined {
  return toIsoDate(field(raw, "sent_at"), SENT_AT);
}

const SENT_AT = { assumeOffset: SENT_AT_OFFSET } as const;

/**
 * `message_id`, the id the Send API returns; `id` is the request's id, which Termii's field table
 * says "Represents the ID of the request sent", and is never the message's.
 */
export function externalId(raw: unknown): string | undefined {
  return fitting(text(field(raw, "message_id"))?.trim(), WIRE_LIMITS.externalId);
}

/** The status exactly as Termii worded it: its only text about the outcome. */
export function response(raw: unknown): string | undefined {
  return fitting(status(raw)?.said, WIRE_LIMITS.text);
}

/** Only the fields present are set: the engine then keeps the object as it is. */
export function details(raw: unknown): EventDetails {
  const said = status(raw);
  const out: EventDetails = {};
  const recipient = fitting(text(field(raw, "receiver"))?.trim() || undefined, WIRE_LIMITS.recipient);
  if (recipient !== undefined) out.recipient = recipient;
  const rejectReason = said === undefined ? undefined : REJECT_REASONS.get(said.name);
  if (rejectReason !== undefined) out.rejectReason = rejectReason;
  const description = fitting(said?.explanation, WIRE_LIMITS.text);
  if (description !== undefined) out.description = description;
  return out;
}
