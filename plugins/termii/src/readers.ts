import { field, fitting, lower, text, toIsoDate, WIRE_LIMITS, type EventDetails } from "@tidings/core";
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

/**
 * A status as Termii writes it: a name, sometimes followed by ` | ` and an explanation
 * (`DELIVERED | Message delivered to handset`), with whitespace runs made single spaces.
 */
function status(raw: unknown): { readonly name: string; readonly said: string; readonly explanation: string | undefined } | undefined {
  const value = field(raw, "status");
  if (typeof value !== "string") return undefined;
  const said = value.replace(/\s+/g, " ").trim();
  const bar = said.indexOf("|");
  const name = (bar < 0 ? said : said.slice(0, bar)).trim().toLowerCase();
  if (name === "") return undefined;
  const explanation = bar < 0 ? undefined : said.slice(bar + 1).trim();
  return { name, said, explanation: explanation === "" ? undefined : explanation };
}

/** The device offline notification by its `type`; every other event by its status's name. */
export function eventName(raw: unknown): string | undefined {
  if (lower(field(raw, "type")) === "device_status") return "device_status";
  return status(raw)?.name;
}

/** `sent_at`, "the time the message was sent": the only time a delivery report carries. */
export function date(raw: unknown): string | undefined {
  return toIsoDate(field(raw, "sent_at"), { assumeOffset: SENT_AT_OFFSET });
}

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

export function details(raw: unknown): EventDetails {
  const said = status(raw);
  return {
    recipient: fitting(text(field(raw, "receiver"))?.trim() || undefined, WIRE_LIMITS.recipient),
    rejectReason: said === undefined ? undefined : REJECT_REASONS.get(said.name),
    description: fitting(said?.explanation, WIRE_LIMITS.text),
  };
}
