import { count, field, fitting, fittingMap, lower, text, WIRE_LIMITS, type EventDetails } from "@tidings/core";
import { documentedCode, INTERNAL_EXPIRY } from "./codes.js";
import { RECIPIENT_REPORT_TYPES } from "./mapping.js";

const RECIPIENT_TYPES: ReadonlySet<string> = new Set(RECIPIENT_REPORT_TYPES);

/** Sinch posts one callback object per request. */
export function split(body: unknown): readonly unknown[] {
  return [body];
}

/**
 * `type`, refined by `status` for a per-recipient report (`recipient_delivery_report_sms:delivered`),
 * both compared case-insensitively: the documentation writes `Delivered`, sinch-sdk-python `DELIVERED`.
 */
export function eventName(raw: unknown): string | undefined {
  const type = lower(field(raw, "type"));
  if (type === undefined || !RECIPIENT_TYPES.has(type)) return type;
  const status = lower(field(raw, "status"));
  return status === undefined ? undefined : `${type}:${status}`;
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

/** The report's `code` as decimal text; 0 is what Sinch reports with Delivered (no error). */
function code(raw: unknown): string | undefined {
  const value = count(field(raw, "code"));
  return value === undefined || value === 0 ? undefined : String(value);
}

/** "412 Unprovisioned region" for the REST API's own codes, "code 34" for a network's. */
export function response(raw: unknown): string | undefined {
  const value = code(raw);
  if (value === undefined) return undefined;
  const documented = documentedCode(value);
  return documented === undefined ? `code ${value}` : `${value} ${documented.name}`;
}

export function details(raw: unknown): EventDetails {
  const value = code(raw);
  const clientReference = text(field(raw, "client_reference"));
  return {
    recipient: fitting(text(field(raw, "recipient")), WIRE_LIMITS.recipient),
    // "The client identifier of the batch", which the sender set when submitting it.
    metadata: clientReference === undefined ? undefined : fittingMap({ client_reference: clientReference }),
    rejectReason: timedOut(raw, value) ? "timed_out" : undefined,
    description: value === undefined ? undefined : documentedCode(value)?.description,
  };
}

/** Expired, or Aborted with Internal Expiry: the message outlived the validity the sender gave it. */
function timedOut(raw: unknown, value: string | undefined): boolean {
  return lower(field(raw, "status")) === "expired" || value === INTERNAL_EXPIRY;
}
