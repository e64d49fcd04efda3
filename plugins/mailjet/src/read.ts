import {
  field,
  isStatus,
  joinParts,
  lower,
  perEvent,
  smtpCodes,
  text,
  toIsoDate,
  type EventDetails,
  type RejectReason,
  type Status,
  WIRE_LIMITS,
} from "@tidings/core";
import { eventName, MAPPING } from "./mapping.js";

/**
 * Readers for one Mailjet event (https://dev.mailjet.com/email/guides/webhooks/): every event
 * carries `event`, `time`, `email`, `MessageID`, `customcampaign`, `CustomID` and `Payload`; the
 * rest depends on the event.
 */

/** Below this, core reads a bare epoch number as seconds (1e11 s is the year 5138). */
const SECONDS_CUTOFF = 1e11;

/**
 * `time` is unix seconds; anything else (ISO text, milliseconds written as text) is not Mailjet's.
 * The number goes to core as it is, which reads it as seconds without formatting it twice.
 */
export function eventDate(raw: unknown): string | number | undefined {
  const time = field(raw, "time");
  let seconds: number;
  if (typeof time === "number") seconds = time;
  else if (typeof time === "string" && /^\s*\d{1,12}\s*$/.test(time)) seconds = Number(time);
  else return undefined;
  return Math.abs(seconds) < SECONDS_CUTOFF ? seconds : toIsoDate(seconds, { epoch: "seconds" });
}

/**
 * `MessageID` is the id the Send API returns. It exceeds 2^53, so core hands it over as the
 * exact digits; `mj_message_id` is the same id as text, the only one older grouped events carry.
 */
export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "MessageID")) ?? text(field(raw, "mj_message_id"));
}

/** What Mailjet's error table says happened, in one word a suppression list can act on. */
const REJECT_REASONS: ReadonlyMap<string, RejectReason> = new Map([
  ["user unknown", "bounced"],
  ["mailbox inactive", "bounced"],
  ["quota exceeded", "bounced"],
  ["preblocked", "bounced"],
  ["no mail host", "bounced"],
  ["invalid domain", "invalid"],
  ["typofix", "invalid"],
  ["blacklisted", "blocked"],
  ["relay/access denied", "blocked"],
  ["sender blocked", "blocked"],
  ["policy issue", "blocked"],
  ["content blocked", "spam"],
  ["spam reporter", "spam"],
]);

/** Statuses a bounce class describes (the test kit checks the same). */
const BOUNCE_STATUSES: ReadonlySet<Status> = new Set(["bounced", "deferred", "blocked"]);

/** "recipient: user unknown", from `error_related_to` and `error`, each only when present. */
function errorText(raw: unknown): string | undefined {
  const related = text(field(raw, "error_related_to"));
  const error = text(field(raw, "error"));
  return related !== undefined && error !== undefined ? `${related}: ${error}` : (related ?? error);
}

/**
 * `smtp_reply` wraps the receiving server's reply in Mailjet's own word:
 * "sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)". The reply is what is inside.
 */
function serverReply(smtpReply: string | undefined): string | undefined {
  if (smtpReply === undefined) return undefined;
  const inner = wrappedReply(smtpReply);
  return inner === undefined ? smtpReply : inner.trim() || undefined;
}

/** What `/^\s*[a-z]+\s*\((.*)\)\s*$/is` captures, by character codes: the regex cost more than the rest of the event. */
function wrappedReply(reply: string): string | undefined {
  let end = reply.length - 1;
  while (end > 0 && isSpace(reply.charCodeAt(end))) end--;
  if (reply.charCodeAt(end) !== 41) return undefined;
  let i = 0;
  while (isSpace(reply.charCodeAt(i))) i++;
  const word = i;
  while (isAsciiLetter(reply.charCodeAt(i))) i++;
  if (i === word) return undefined;
  while (isSpace(reply.charCodeAt(i))) i++;
  return reply.charCodeAt(i) === 40 && i < end ? reply.slice(i + 1, end) : undefined;
}

/** The characters `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

export function response(raw: unknown): string | undefined {
  const source = text(field(raw, "source"));
  return joinParts([
    text(field(raw, "smtp_reply")),
    errorText(raw),
    text(field(raw, "comment")),
    namedEvent(raw) === "click" ? text(field(raw, "url")) : undefined,
    source === undefined ? undefined : `feedback loop ${source}`,
  ]);
}


/**
 * Text that fits its details field, else left out: a sender's long `Payload` or an odd user agent
 * must not cost the event its status (the row keeps every byte of it).
 */
function fitting(value: string | undefined, max: number | null): string | undefined {
  return value !== undefined && (max === null || value.length <= max) ? value : undefined;
}

/** The sender's own ids and data: `CustomID` and `Payload` (EventPayload at send time), as given. */
function metadata(raw: unknown): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const key of ["CustomID", "Payload"] as const) {
    const value = fitting(text(field(raw, key)), WIRE_LIMITS.metadataValue);
    if (value !== undefined) (out ??= {})[key] = value;
  }
  return out;
}

function bounceClass(raw: unknown): EventDetails["bounceClass"] {
  const hard = field(raw, "hard_bounce");
  return hard === true ? "hard" : hard === false ? "soft" : "undetermined";
}

function rejectReason(raw: unknown): RejectReason {
  const error = lower(field(raw, "error"))?.trim();
  return (error === undefined ? undefined : REJECT_REASONS.get(error)) ?? "other";
}

/** The plugin's eventName hook: `eventName`, kept for the event's details, which need it again. */
export const namedEvent = perEvent(eventName);

export function details(raw: unknown): EventDetails {
  const name = namedEvent(raw);
  const target: unknown = name !== undefined && Object.hasOwn(MAPPING, name) ? MAPPING[name as keyof typeof MAPPING] : undefined;
  const status = isStatus(target) ? target : undefined;
  const failure = name?.startsWith("bounce") === true || name?.startsWith("blocked") === true;
  const reply = fitting(serverReply(text(field(raw, "smtp_reply"))) ?? text(field(raw, "comment")), WIRE_LIMITS.text);
  const codes = smtpCodes(reply);
  const source = text(field(raw, "source"));
  const campaign = fitting(text(field(raw, "customcampaign")), WIRE_LIMITS.tag);
  return {
    recipient: fitting(text(field(raw, "email")), WIRE_LIMITS.recipient),
    tags: campaign === undefined ? undefined : [campaign],
    metadata: metadata(raw),
    clickUrl: status === "clicked" ? fitting(text(field(raw, "url")), WIRE_LIMITS.clickUrl) : undefined,
    userAgent: fitting(text(field(raw, "agent")), WIRE_LIMITS.userAgent),
    ip: fitting(text(field(raw, "ip")), WIRE_LIMITS.ip),
    bounceClass: status !== undefined && BOUNCE_STATUSES.has(status) ? bounceClass(raw) : undefined,
    rejectReason: failure ? rejectReason(raw) : undefined,
    smtpCode: codes.smtpCode,
    enhancedStatus: codes.enhancedStatus,
    mtaResponse: reply,
    description: fitting(failure ? errorText(raw) : source === undefined ? undefined : `feedback loop ${source}`, WIRE_LIMITS.text),
  };
}
