import { at, field, joinParts, lower, smtpCodes, text, textList, textMap, type EventDetails, type RejectReason } from "@tidings/core";
import { DENYLIST_REASONS } from "./mapping.js";

/**
 * `mandrill_events` is a JSON array of up to 1000 events; a lone object is one event. A body
 * without the field is kept whole, as one event the engine reports as unmapped, so nothing posted
 * is lost.
 */
export function split(body: unknown): readonly unknown[] {
  const events = field(body, "mandrill_events");
  if (events === undefined) return [body];
  return Array.isArray(events) ? events : [events];
}

/** A message event's `event`; a sync event has none, only the `type` of the list that changed. */
export function eventName(raw: unknown): string | undefined {
  const event = field(raw, "event");
  if (event !== undefined) return lower(event);
  const type = lower(field(raw, "type"));
  return type === undefined ? undefined : `sync:${type}`;
}

/** `ts`: "the integer UTC unix timestamp when the event occurred". */
export function date(raw: unknown): number | string | undefined {
  const ts = field(raw, "ts");
  return typeof ts === "number" || typeof ts === "string" ? ts : undefined;
}

/**
 * The message's `_id`, the id the send call returned for this recipient. Mandrill repeats it as
 * the event's own `_id` (its samples give both the same value), which is read when `msg` lacks it.
 */
export function externalId(raw: unknown): string | undefined {
  return text(at(raw, "msg", "_id")) ?? text(field(raw, "_id"));
}

/** Events about one delivery attempt, whose `msg` carries the receiving server's reply. */
const DELIVERY_EVENTS: ReadonlySet<string> = new Set(["send", "delivered", "deferral", "hard_bounce", "soft_bounce"]);

export function response(raw: unknown): string | undefined {
  const name = eventName(raw);
  if (name === "click") return text(field(raw, "url"));
  if (name === "reject") return joinParts([text(at(raw, "msg", "reject", "reason")), text(at(raw, "msg", "reject", "detail"))]);
  if (name !== undefined && DELIVERY_EVENTS.has(name)) return joinParts([serverReply(raw), text(at(raw, "msg", "bounce_description"))]);
  return undefined;
}

/**
 * Each reading is assigned into `common` rather than spread into a new object: V8 spreads an
 * object with further properties through a slow path that cost microseconds per event.
 */
export function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  const msg = field(raw, "msg");
  const common: EventDetails = {
    recipient: text(field(msg, "email")),
    tags: textList(field(msg, "tags")),
    metadata: textMap(field(msg, "metadata")),
  };
  switch (name) {
    case "open":
      return Object.assign(common, client(raw));
    case "click":
      return Object.assign(common, client(raw), { clickUrl: text(field(raw, "url")) });
    case "send":
    case "delivered":
      return Object.assign(common, reply(raw));
    case "deferral":
      return Object.assign(common, { bounceClass: "soft" as const }, reply(raw));
    case "hard_bounce":
    case "soft_bounce":
      return Object.assign(
        common,
        { bounceClass: name === "hard_bounce" ? ("hard" as const) : ("soft" as const), rejectReason: "bounced" as const },
        reply(raw),
        { description: text(field(msg, "bounce_description")) },
      );
    case "reject":
      return Object.assign(common, { rejectReason: denylistReason(field(msg, "reject")), description: text(at(msg, "reject", "detail")) });
    default:
      return common;
  }
}

function client(raw: unknown): EventDetails {
  return { userAgent: text(field(raw, "user_agent")), ip: text(field(raw, "ip")) };
}

/** Mandrill writes the receiving server's reply as `smtp;<reply>` in `diag`. */
const SMTP_PREFIX = /^\s*smtp;\s*/i;

function reply(raw: unknown): EventDetails {
  const mtaResponse = serverReply(raw);
  return Object.assign({ mtaResponse }, smtpCodes(mtaResponse?.replace(SMTP_PREFIX, "")));
}

/**
 * `msg.diag` (bounces), else the `diag` of the latest of `msg.smtp_events` (a deferral's sample
 * carries its `451 4.3.5 ...` only there).
 */
function serverReply(raw: unknown): string | undefined {
  const msg = field(raw, "msg");
  const diag = text(field(msg, "diag"));
  if (diag !== undefined) return diag;
  const attempts = field(msg, "smtp_events");
  return Array.isArray(attempts) && attempts.length > 0 ? text(field(attempts[attempts.length - 1], "diag")) : undefined;
}

/**
 * A rejected message whose recipient is on the denylist carries that entry in `msg.reject`
 * (assumed: the sample reject carries none, a captured one `"reject": null`); without it Mandrill
 * says nothing of why, which is `other`.
 */
function denylistReason(entry: unknown): RejectReason {
  const reason = lower(field(entry, "reason"));
  return reason !== undefined && Object.hasOwn(DENYLIST_REASONS, reason) ? DENYLIST_REASONS[reason]! : "other";
}
