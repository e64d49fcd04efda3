import { appendLabelled, at, field, isRecord, lower, perEvent, setDetail, smtpCodes, text, textList, textMap, type EventDetails, type ReadContext } from "@tidings/core";
import { BOUNCE_CLASSES, BOUNCE_REASONS, SUPPRESSION_SUBTYPES } from "./mapping.js";

/** Resend delivers through Svix: the event's id, the same on every retry, is this header. */
export const EVENT_ID_HEADER = "svix-id";

/** The longest result id the wire schema allows; a longer header is not an id we can use. */
const MAX_EVENT_ID_LENGTH = 512;

/** Receiving servers' replies come as `smtp; 550 5.5.0 ...`. */
const SMTP_PREFIX = /^\s*smtp;\s*/i;

/** The body's `type`, with a bounce that only reports a suppression told apart; the engine, response and details each ask for it. */
export const eventName = perEvent(nameOf);

function nameOf(raw: unknown): string | undefined {
  const type = lower(field(raw, "type"));
  if (type === "email.bounced" && SUPPRESSION_SUBTYPES.has(lower(at(raw, "data", "bounce", "subType")) ?? "")) return "email.bounced:suppressed";
  return type;
}

/**
 * The top-level `created_at`, "when the webhook event was created". Resend tells receivers to
 * order events by it; `data.created_at` is when the email was created, and a click's own
 * `click.timestamp` stays in `row`.
 */
export function date(raw: unknown): string | undefined {
  const value = field(raw, "created_at");
  return typeof value === "string" ? value : undefined;
}

/** `data.email_id`, the id Resend's send API returns. `data.message_id` is the Message-ID header. */
export function externalId(raw: unknown): string | undefined {
  return text(at(raw, "data", "email_id"));
}

export function eventId(_raw: unknown, context: ReadContext): string | undefined {
  const id = context.headers[EVENT_ID_HEADER];
  return id !== undefined && id !== "" && id.length <= MAX_EVENT_ID_LENGTH ? id : undefined;
}

export function response(raw: unknown): string | undefined {
  const data = field(raw, "data");
  switch (eventName(raw)) {
    case "email.bounced":
    case "email.bounced:suppressed": {
      const bounce = field(data, "bounce");
      let out = appendLabelled(undefined, "type", text(field(bounce, "type")));
      out = appendLabelled(out, "subType", text(field(bounce, "subType")));
      out = appendLabelled(out, "message", text(field(bounce, "message")));
      const first = at(bounce, "diagnosticCode", 0);
      return appendLabelled(out, "diagnosticCode", text(first !== undefined && first !== null && first !== "" ? first : field(bounce, "diagnosticCode")));
    }
    case "email.suppressed": {
      const suppressed = field(data, "suppressed");
      return appendLabelled(appendLabelled(undefined, "type", text(field(suppressed, "type"))), "message", text(field(suppressed, "message")));
    }
    case "email.failed":
      return appendLabelled(undefined, "reason", text(at(data, "failed", "reason")));
    case "email.clicked":
      return text(at(data, "click", "link"));
    default:
      return undefined;
  }
}

/** Only the fields present are written, in the order the details have always listed them. */
export function details(raw: unknown): EventDetails | undefined {
  const data = field(raw, "data");
  const out: EventDetails = {};
  setDetail(out, "recipient", recipientOf(field(data, "to")));
  setDetail(out, "metadata", tagsOf(field(data, "tags")));
  switch (eventName(raw)) {
    case "email.bounced":
      addBounce(out, field(data, "bounce"));
      return out;
    case "email.bounced:suppressed": {
      const bounce = field(data, "bounce");
      setDetail(out, "rejectReason", BOUNCE_REASONS.get(lower(field(bounce, "subType")) ?? ""));
      setDetail(out, "description", text(field(bounce, "message")));
      return out;
    }
    case "email.suppressed":
      out.rejectReason = "other";
      setDetail(out, "description", text(at(data, "suppressed", "message")));
      return out;
    case "email.failed":
      out.rejectReason = "other";
      setDetail(out, "description", text(at(data, "failed", "reason")));
      return out;
    case "email.complained":
      out.rejectReason = "spam";
      return out;
    case "email.clicked": {
      const click = field(data, "click");
      setDetail(out, "clickUrl", text(field(click, "link")));
      setDetail(out, "userAgent", text(field(click, "userAgent")));
      setDetail(out, "ip", text(field(click, "ipAddress")));
      return out;
    }
    default:
      return out;
  }
}

/**
 * Resend sends one event per recipient, with `to` still a list of that one address. A list of
 * several (events from before that change) does not say which recipient the event is about.
 */
function recipientOf(to: unknown): string | undefined {
  if (!Array.isArray(to)) return text(to);
  return to.length === 1 ? text(to[0]) : undefined;
}

/**
 * Resend's tags are name/value pairs, so they are metadata. The payload examples write them as an
 * object (`{"category": "confirm_email"}`); the field list describes a list of `{name, value}`.
 */
function tagsOf(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags)) return textMap(tags);
  const pairs = tags.flatMap((tag): [string, unknown][] => {
    const name = isRecord(tag) ? text(field(tag, "name")) : undefined;
    return name === undefined ? [] : [[name, field(tag, "value")]];
  });
  // Object.fromEntries defines own data properties: a tag named `__proto__` stays a key.
  return textMap(Object.fromEntries(pairs));
}

function addBounce(out: EventDetails, bounce: unknown): void {
  const subType = lower(field(bounce, "subType")) ?? "";
  const replies = textList(field(bounce, "diagnosticCode"));
  setDetail(out, "bounceClass", BOUNCE_CLASSES.get(lower(field(bounce, "type")) ?? ""));
  out.rejectReason = BOUNCE_REASONS.get(subType) ?? "bounced";
  if (replies !== undefined) {
    const codes = smtpCodes(replies[0]!.replace(SMTP_PREFIX, ""));
    setDetail(out, "smtpCode", codes.smtpCode);
    setDetail(out, "enhancedStatus", codes.enhancedStatus);
    out.mtaResponse = replies.join("\n");
  }
  setDetail(out, "description", text(field(bounce, "message")));
}
