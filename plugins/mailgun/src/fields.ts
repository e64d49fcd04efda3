import { field, isRecord, text } from "@tidings/core";

/**
 * Which generation a raw event belongs to. A legacy post is itself the event, with the signature
 * fields beside the event's own; a current event is `event-data`, which never holds `signature`
 * (that block sits beside it). Readers ask this instead of guessing from individual fields, since
 * a legacy post may carry any sender variable as a field of its own.
 */
export function isLegacy(raw: unknown): boolean {
  return isRecord(raw) && Object.hasOwn(raw, "signature");
}

/** A current webhook's body: `{ signature: {...}, "event-data": {...} }`. Anything else is read as a legacy post. */
export function isCurrentBody(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && Object.hasOwn(body, "event-data");
}

/** The body's raw events: `event-data` for a current webhook, the whole post for a legacy one. */
export function splitBody(body: unknown): unknown[] {
  return isCurrentBody(body) ? [body["event-data"]] : [body];
}

/**
 * A legacy post merges the sender's variables into its own fields, so a variable named like one
 * of Mailgun's makes that field repeat (the form decoders give a list). Mailgun's own value is
 * assumed to come first, except for the signature fields, where the variable comes first.
 */
export function firstText(raw: unknown, key: string): string | undefined {
  const value = field(raw, key);
  return text(Array.isArray(value) ? value[0] : value);
}

export function lastText(raw: unknown, key: string): string | undefined {
  const value = field(raw, key);
  return text(Array.isArray(value) ? value[value.length - 1] : value);
}
