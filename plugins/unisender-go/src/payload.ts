import { field, isRecord, lower, perEvent } from "@tidings/core";
import { REFINING_DELIVERY_STATUSES } from "./mapping.js";

/**
 * The two layouts of a call (https://godocs.unisender.ru/web-api-ref#callback-format):
 *
 * - batched (the default, up to 100 events): `{ auth, events_by_user: [{ user_id, project_id?,
 *   project_name?, events: [{ event_name, event_data: {...} }] }] }`; each `events` item is a raw event;
 * - one event per call (the webhook's "single event" option): the `event_data` fields beside
 *   `event_name`, `user_id`, `project_id` and `auth`, all at the top level. The raw event is that
 *   object without `auth`, which signs the call rather than describing the event (as Mailgun's
 *   `signature` block is left out of its event).
 */
export function splitBody(body: unknown): unknown[] {
  if (!isRecord(body)) return [body];
  const users = field(body, "events_by_user");
  if (users === undefined) return [withoutAuth(body)];
  if (!Array.isArray(users)) return [body];
  const raws: unknown[] = [];
  for (const user of users) {
    const events = field(user, "events");
    if (Array.isArray(events)) for (const event of events) raws.push(event);
    else raws.push(user);
  }
  return raws;
}

function withoutAuth(body: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(body, "auth")) return body;
  const event: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    // defineProperty: a payload key `__proto__` stays an ordinary key.
    if (key !== "auth") Object.defineProperty(event, key, { value: body[key], enumerable: true, writable: true, configurable: true });
  }
  return event;
}

/** The event's own fields: `event_data` of a batched event, the event itself when it came alone. */
export function eventData(raw: unknown): unknown {
  const data = field(raw, "event_data");
  return isRecord(data) ? data : raw;
}

/** Unisender Go's own classification of a bounce (`err_user_unknown`...), present when the webhook sends delivery info. */
export function deliveryStatus(data: unknown): string | undefined {
  return lower(field(field(data, "delivery_info"), "delivery_status"));
}

/** The plugin's eventName hook: `eventName`, kept for the event's readers, which need it again. */
export const namedEvent = perEvent(eventName);

/**
 * `transactional_spam_block`, or the `status` of a `transactional_email_status` event, with
 * `hard_bounced` refined by the delivery statuses the mapping lists. Values are compared
 * case-insensitively; an event without `event_name` (or a status event without `status`) has no name.
 */
export function eventName(raw: unknown): string | undefined {
  const name = lower(field(raw, "event_name"));
  if (name !== "transactional_email_status") return name;
  const data = eventData(raw);
  const status = lower(field(data, "status"));
  if (status !== "hard_bounced") return status;
  const code = deliveryStatus(data);
  return code !== undefined && REFINING_DELIVERY_STATUSES.has(code) ? `${status}:${code}` : status;
}
