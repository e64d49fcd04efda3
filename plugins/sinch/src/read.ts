import { count, field, fitting, lower, perEvent, text, WIRE_LIMITS, type EventDetails } from "@tidings/core";
import { documentedCode, INTERNAL_EXPIRY, type DocumentedCode } from "./codes.js";
import { DELIVERY_STATUSES, RECIPIENT_REPORT_TYPES } from "./mapping.js";

/** Sinch posts one callback object per request. */
export function split(body: unknown): readonly unknown[] {
  return [body];
}

/**
 * Each recipient report type's event names by lower-cased status, built once: the engine looks
 * a name up in the mapping, which is quicker for these strings than for one built per event.
 */
const RECIPIENT_NAMES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  RECIPIENT_REPORT_TYPES.map((type) => [type, new Map(DELIVERY_STATUSES.map((status) => [status, `${type}:${status}`]))]),
);

/**
 * `type`, refined by `status` for a per-recipient report (`recipient_delivery_report_sms:delivered`),
 * both compared case-insensitively: the documentation writes `Delivered`, sinch-sdk-python `DELIVERED`.
 */
export function eventName(raw: unknown): string | undefined {
  const type = lower(field(raw, "type"));
  const names = type === undefined ? undefined : RECIPIENT_NAMES.get(type);
  if (names === undefined) return type;
  const status = lower(field(raw, "status"));
  return status === undefined ? undefined : (names.get(status) ?? `${type}:${status}`);
}

/**
 * `at`, "when the Delivery Report was created in the Sinch service" (ISO 8601, milliseconds, UTC),
 * present on every per-recipient report. `operator_status_at`, the time the SMSC's receipt gives,
 * is optional and at best minute-precise, so it does not date events.
 */
export function date(raw: unknown): string | undefined {
  const value = field(raw, "at");
  return typeof value === "string" ? value : undefined;
}

/** `batch_id`, the id the send call returns: delivery reports have no id of their own. */
export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "batch_id"));
}

/** The report's `code` as decimal text, and its documented entry; 0 is what Sinch reports with Delivered (no error). */
interface ReportCode {
  readonly value: string;
  readonly documented: DocumentedCode | undefined;
}

/** `response` and `details` both read the code: it is read once per report. */
const code = perEvent((raw): ReportCode | undefined => {
  const number = count(field(raw, "code"));
  const value = number === undefined || number === 0 ? undefined : String(number);
  return value === undefined ? undefined : { value, documented: documentedCode(value) };
});

/** "412 Unprovisioned region" for the REST API's own codes, "code 34" for a network's. */
export function response(raw: unknown): string | undefined {
  const reported = code(raw);
  if (reported === undefined) return undefined;
  const { value, documented } = reported;
  return documented === undefined ? `code ${value}` : `${value} ${documented.name}`;
}

/** The one metadata key; fittingMap's test of it, once. */
const CLIENT_REFERENCE = "client_reference";
const CLIENT_REFERENCE_FITS = CLIENT_REFERENCE.length <= WIRE_LIMITS.metadataKey;

/** Only the fields present are set: the engine then keeps the object as it is. */
export function details(raw: unknown): EventDetails {
  const reported = code(raw);
  const out: EventDetails = {};
  const recipient = fitting(text(field(raw, "recipient")), WIRE_LIMITS.recipient);
  if (recipient !== undefined) out.recipient = recipient;
  // "The client identifier of the batch", which the sender set when submitting it.
  const clientReference = text(field(raw, CLIENT_REFERENCE));
  if (clientReference !== undefined && CLIENT_REFERENCE_FITS && clientReference.length <= WIRE_LIMITS.metadataValue) {
    out.metadata = { client_reference: clientReference };
  }
  if (timedOut(raw, reported?.value)) out.rejectReason = "timed_out";
  const description = reported?.documented?.description;
  if (description !== undefined) out.description = description;
  return out;
}

/** Expired, or Aborted with Internal Expiry: the message outlived the validity the sender gave it. */
function timedOut(raw: unknown, value: string | undefined): boolean {
  return lower(field(raw, "status")) === "expired" || value === INTERNAL_EXPIRY;
}
