import { appendLabelled, field, fitting, fittingList, fittingMap, setDetail, smtpCodes, text, textList, textMap, type EventDetails, type RejectReason, WIRE_LIMITS } from "@tidings/core";
import { eventName } from "./mapping.js";

/**
 * Lengths core's schemas accept. A longer provider value would make the whole event invalid, so
 * the reader leaves it out instead; the event's `row` still carries it.
 */
const MAX = WIRE_LIMITS;

/**
 * `timestamp` is documented as integer Unix seconds; digits sent as text are read the same way.
 * The instant goes to the engine as a Date: no text written here for the engine to parse back.
 */
export function date(raw: unknown): Date | undefined {
  const timestamp = field(raw, "timestamp");
  const seconds = typeof timestamp === "number" ? timestamp : typeof timestamp === "string" && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : undefined;
  return seconds === undefined ? undefined : new Date(Math.round(seconds * 1000));
}

/** `message_id`, the id Mailtrap's send API returns (`message_ids`). */
export function externalId(raw: unknown): string | undefined {
  return fitting(text(field(raw, "message_id")), MAX.externalId);
}

/** `event_id`: "Unique event ID (use for idempotency)". */
export function eventId(raw: unknown): string | undefined {
  return fitting(text(field(raw, "event_id")), MAX.resultId);
}

export function response(raw: unknown): string | undefined {
  switch (eventName(raw)) {
    case "bounce":
    case "bounce:blocked":
    case "soft bounce":
      return fitting(bounceReply(raw), MAX.text);
    case "reject":
    case "suspension":
      return fitting(text(field(raw, "reason")), MAX.text);
    case "click":
      return fitting(text(field(raw, "url")), MAX.text);
    default:
      return undefined;
  }
}

/** "response: ...; code: ...; category: ..." for the parts present. */
function bounceReply(raw: unknown): string | undefined {
  let out = appendLabelled(undefined, "response", text(field(raw, "response")));
  out = appendLabelled(out, "code", text(field(raw, "response_code")));
  return appendLabelled(out, "category", text(field(raw, "bounce_category")));
}

/** Only the fields present are written, in the order the details have always listed them. */
export function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  const out: EventDetails = {};
  setDetail(out, "recipient", fitting(text(field(raw, "email")), MAX.recipient));
  setDetail(out, "tags", tagsOf(raw));
  setDetail(out, "metadata", metadataOf(raw));
  if (name === "click") setDetail(out, "clickUrl", fitting(text(field(raw, "url")), MAX.clickUrl));
  setDetail(out, "userAgent", fitting(text(field(raw, "user_agent")), MAX.userAgent));
  setDetail(out, "ip", fitting(text(field(raw, "ip")), MAX.ip));
  addOutcome(out, name, raw);
  return out;
}

/** Bounce categories that name the cause a suppression list acts on; other permanent bounces are just "bounced". */
const BOUNCE_REASONS: ReadonlyMap<string, RejectReason> = new Map([
  ["badrecipient", "invalid"],
  ["timeout", "timed_out"],
]);

function addOutcome(out: EventDetails, name: string | undefined, raw: unknown): void {
  switch (name) {
    case "bounce": {
      const category = bounceCategory(raw);
      out.bounceClass = "hard";
      out.rejectReason = BOUNCE_REASONS.get(category?.toLowerCase() ?? "") ?? "bounced";
      addReply(out, raw);
      setDetail(out, "description", category);
      return;
    }
    // A policy refusal says nothing about the address itself.
    case "bounce:blocked":
      out.bounceClass = "undetermined";
      out.rejectReason = "blocked";
      addReply(out, raw);
      setDetail(out, "description", bounceCategory(raw));
      return;
    case "soft bounce":
      out.bounceClass = "soft";
      addReply(out, raw);
      setDetail(out, "description", bounceCategory(raw));
      return;
    case "reject": {
      const reason = reasonOf(raw);
      out.rejectReason = rejectReasonOf(reason);
      setDetail(out, "description", reason);
      return;
    }
    case "suspension":
      setDetail(out, "description", reasonOf(raw));
      return;
  }
}

function bounceCategory(raw: unknown): string | undefined {
  return fitting(text(field(raw, "bounce_category")), MAX.text);
}

function reasonOf(raw: unknown): string | undefined {
  return fitting(text(field(raw, "reason")), MAX.text);
}

const SMTP_CODE = /^[2-5]\d\d$/;

/** The receiving server's reply: `response_code` is its SMTP code, `response` its text (which may hold an enhanced status). */
function addReply(out: EventDetails, raw: unknown): void {
  const mtaResponse = fitting(text(field(raw, "response")), MAX.text);
  const codes = mtaResponse === undefined || !mayStartWithCodes(mtaResponse) ? undefined : smtpCodes(mtaResponse);
  const code = text(field(raw, "response_code"));
  setDetail(out, "mtaResponse", mtaResponse);
  setDetail(out, "smtpCode", code !== undefined && SMTP_CODE.test(code) ? code : codes?.smtpCode);
  setDetail(out, "enhancedStatus", codes?.enhancedStatus);
}

/**
 * False when smtpCodes would surely find nothing: its codes stand at the start, after blanks, so a
 * reply opening with any other printable character ("[CS01] Message rejected") holds none.
 */
function mayStartWithCodes(reply: string): boolean {
  const c = reply.charCodeAt(0);
  return c <= 32 || c >= 127 || (c >= 48 && c <= 57) || c === 35 /* # */;
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
