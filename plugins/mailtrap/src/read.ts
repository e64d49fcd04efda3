import { describeFields, field, fitting, fittingList, fittingMap, smtpCodes, text, textList, textMap, toIsoDate, type EventDetails, type RejectReason, WIRE_LIMITS } from "@tidings/core";
import { eventName } from "./mapping.js";

/**
 * Lengths core's schemas accept. A longer provider value would make the whole event invalid, so
 * the reader leaves it out instead; the event's `row` still carries it.
 */
const MAX = WIRE_LIMITS;

/** `timestamp` is documented as integer Unix seconds; digits sent as text are read the same way. */
export function date(raw: unknown): string | undefined {
  const timestamp = field(raw, "timestamp");
  const seconds = typeof timestamp === "number" ? timestamp : typeof timestamp === "string" && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : undefined;
  return seconds === undefined ? undefined : toIsoDate(seconds, { epoch: "seconds" });
}

/** `message_id`, the id Mailtrap's send API returns (`message_ids`). */
export function externalId(raw: unknown): string | undefined {
  return fitting(text(field(raw, "message_id")), MAX.externalId);
}

/** `event_id`: "Unique event ID (use for idempotency)". */
export function eventId(raw: unknown): string | undefined {
  return fitting(text(field(raw, "event_id")), MAX.resultId);
}

const BOUNCE_REPLY = { response: [["response"]], code: [["response_code"]], category: [["bounce_category"]] } as const;

export function response(raw: unknown): string | undefined {
  switch (eventName(raw)) {
    case "bounce":
    case "bounce:blocked":
    case "soft bounce":
      return fitting(describeFields(raw, BOUNCE_REPLY), MAX.text);
    case "reject":
    case "suspension":
      return fitting(text(field(raw, "reason")), MAX.text);
    case "click":
      return fitting(text(field(raw, "url")), MAX.text);
    default:
      return undefined;
  }
}

export function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  return {
    recipient: fitting(text(field(raw, "email")), MAX.recipient),
    tags: tagsOf(raw),
    metadata: metadataOf(raw),
    clickUrl: name === "click" ? fitting(text(field(raw, "url")), MAX.clickUrl) : undefined,
    userAgent: fitting(text(field(raw, "user_agent")), MAX.userAgent),
    ip: fitting(text(field(raw, "ip")), MAX.ip),
    ...outcomeOf(name, raw),
  };
}

/** Bounce categories that name the cause a suppression list acts on; other permanent bounces are just "bounced". */
const BOUNCE_REASONS: ReadonlyMap<string, RejectReason> = new Map([
  ["badrecipient", "invalid"],
  ["timeout", "timed_out"],
]);

function outcomeOf(name: string | undefined, raw: unknown): EventDetails {
  const category = fitting(text(field(raw, "bounce_category")), MAX.text);
  const reason = fitting(text(field(raw, "reason")), MAX.text);
  switch (name) {
    case "bounce":
      return { bounceClass: "hard", rejectReason: BOUNCE_REASONS.get(category?.toLowerCase() ?? "") ?? "bounced", ...reply(raw), description: category };
    // A policy refusal says nothing about the address itself.
    case "bounce:blocked":
      return { bounceClass: "undetermined", rejectReason: "blocked", ...reply(raw), description: category };
    case "soft bounce":
      return { bounceClass: "soft", ...reply(raw), description: category };
    case "reject":
      return { rejectReason: rejectReasonOf(reason), description: reason };
    case "suspension":
      return { description: reason };
    default:
      return {};
  }
}

const SMTP_CODE = /^[2-5]\d\d$/;

/** The receiving server's reply: `response_code` is its SMTP code, `response` its text (which may hold an enhanced status). */
function reply(raw: unknown): EventDetails {
  const mtaResponse = fitting(text(field(raw, "response")), MAX.text);
  const { smtpCode, enhancedStatus } = smtpCodes(mtaResponse);
  const code = text(field(raw, "response_code"));
  return { mtaResponse, smtpCode: code !== undefined && SMTP_CODE.test(code) ? code : smtpCode, enhancedStatus };
}

/**
 * The suppression types of Mailtrap's Suppressions API (`hard bounce`, `unsubscription`,
 * `spam complaint`, `manual import`), as a reject's reason names them: "Recipient in suppression
 * list. Reason: unsubscription". A reject for any other cause (an unverified domain, billing) is "other".
 */
const SUPPRESSION_TYPES: ReadonlyMap<string, RejectReason> = new Map([
  ["hard bounce", "bounced"],
  ["unsubscription", "unsubscribed"],
  ["spam complaint", "spam"],
  ["manual import", "other"],
]);

const SUPPRESSED = /suppression list\.?\s*reason:\s*([a-z ]+?)\s*\.?\s*$/i;

function rejectReasonOf(reason: string | undefined): RejectReason {
  const type = reason === undefined ? undefined : SUPPRESSED.exec(reason)?.[1]?.toLowerCase();
  return (type === undefined ? undefined : SUPPRESSION_TYPES.get(type)) ?? "other";
}

/** `category`, the one category a message is sent with. */
function tagsOf(raw: unknown): string[] | undefined {
  return fittingList(textList(field(raw, "category")));
}

/** `custom_variables`, written as text. */
function metadataOf(raw: unknown): Record<string, string> | undefined {
  return fittingMap(textMap(field(raw, "custom_variables")));
}
