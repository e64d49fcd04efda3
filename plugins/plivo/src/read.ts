import { field, lower, text, type EventDetails } from "@tidings/core";

/** Plivo posts one message's status per callback, its attributes as form fields. */
export function split(body: unknown): readonly unknown[] {
  return [body];
}

/**
 * The callback's `Status`. An inbound message posted to an application's Message URL carries no
 * status, only its `Text` (https://www.plivo.com/docs/messaging/xml/request): it is `received`,
 * the status Plivo gives every inbound message.
 */
export function eventName(raw: unknown): string | undefined {
  if (field(raw, "Status") !== undefined) return lower(field(raw, "Status"));
  return field(raw, "Text") !== undefined ? "received" : undefined;
}

/** `MessageUUID`: the id the Send Message call returned in `message_uuid`. */
export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "MessageUUID"));
}

/**
 * Plivo gives callbacks no id of their own. A message reaches each status once, so its id and the
 * status name the event, and a retried callback keeps its id.
 */
export function eventId(raw: unknown): string | undefined {
  const message = externalId(raw);
  const status = eventName(raw);
  return message === undefined || status === undefined ? undefined : `${message}:${status}`;
}

export function response(raw: unknown): string | undefined {
  const code = errorCode(raw);
  if (code === undefined) return undefined;
  const reason = ERROR_REASONS.get(code);
  return reason === undefined ? `ErrorCode ${code}` : `ErrorCode ${code}: ${reason}`;
}

export function details(raw: unknown): EventDetails {
  const code = errorCode(raw);
  const reason = code === undefined ? undefined : ERROR_REASONS.get(code);
  return {
    recipient: text(field(raw, "To")),
    description: code === undefined ? undefined : reason === undefined ? `Plivo error code ${code}` : `${reason} (Plivo error code ${code})`,
  };
}

/**
 * `ErrorCode`, "only defined for failed or undelivered messages"; the Message API writes `000`
 * for a successful delivery, which is no error.
 */
function errorCode(raw: unknown): string | undefined {
  const code = text(field(raw, "ErrorCode"))?.trim();
  return code === undefined || code === "" || /^0+$/.test(code) ? undefined : code;
}

/**
 * The reasons Plivo's error-code table gives
 * (https://www.plivo.com/docs/messaging/troubleshooting/error-codes; 450 from the SMS FAQ). Only
 * these are written out; any other code is reported by its number.
 */
const ERROR_REASONS: ReadonlyMap<string, string> = new Map([
  ["10", "Invalid Message"],
  ["20", "Network Error"],
  ["30", "Spam Detected"],
  ["40", "Invalid Source Number"],
  ["450", "Destination country barred"],
]);
