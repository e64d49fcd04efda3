import {
  EventDetailsSchema,
  field,
  isStatus,
  joinParts,
  lower,
  smtpCodes,
  text,
  toIsoDate,
  type EventDetails,
  type RejectReason,
  type Status,
} from "@tidings/core";
import { eventName, MAPPING } from "./mapping.js";

/**
 * Readers for one Mailjet event (https://dev.mailjet.com/email/guides/webhooks/): every event
 * carries `event`, `time`, `email`, `MessageID`, `customcampaign`, `CustomID` and `Payload`; the
 * rest depends on the event.
 */

/** `time` is unix seconds; anything else (ISO text, milliseconds written as text) is not Mailjet's. */
export function eventDate(raw: unknown): string | undefined {
  const time = field(raw, "time");
  if (typeof time !== "number" && !(typeof time === "string" && /^\s*\d{1,12}\s*$/.test(time))) return undefined;
  return toIsoDate(time, { epoch: "seconds" });
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
  const wrapped = /^\s*[a-z]+\s*\((.*)\)\s*$/is.exec(smtpReply);
  return wrapped === null ? smtpReply : wrapped[1]!.trim() || undefined;
}

export function response(raw: unknown): string | undefined {
  const event = lower(field(raw, "event"));
  const source = text(field(raw, "source"));
  return joinParts([
    text(field(raw, "smtp_reply")),
    errorText(raw),
    text(field(raw, "comment")),
    event === "click" ? text(field(raw, "url")) : undefined,
    source === undefined ? undefined : `feedback loop ${source}`,
  ]);
}

const SHAPE = EventDetailsSchema.shape;
const MAX = {
  recipient: SHAPE.recipient.unwrap().maxLength,
  tag: SHAPE.tags.unwrap().element.maxLength,
  metadata: SHAPE.metadata.unwrap().valueType.maxLength,
  clickUrl: SHAPE.clickUrl.unwrap().maxLength,
  userAgent: SHAPE.userAgent.unwrap().maxLength,
  ip: SHAPE.ip.unwrap().maxLength,
  mtaResponse: SHAPE.mtaResponse.unwrap().maxLength,
  description: SHAPE.description.unwrap().maxLength,
};

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
    const value = fitting(text(field(raw, key)), MAX.metadata);
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

export function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  const target: unknown = name !== undefined && Object.hasOwn(MAPPING, name) ? MAPPING[name as keyof typeof MAPPING] : undefined;
  const status = isStatus(target) ? target : undefined;
  const failure = name?.startsWith("bounce") === true || name?.startsWith("blocked") === true;
  const reply = fitting(serverReply(text(field(raw, "smtp_reply"))) ?? text(field(raw, "comment")), MAX.mtaResponse);
  const codes = smtpCodes(reply);
  const source = text(field(raw, "source"));
  const campaign = fitting(text(field(raw, "customcampaign")), MAX.tag);
  return {
    recipient: fitting(text(field(raw, "email")), MAX.recipient),
    tags: campaign === undefined ? undefined : [campaign],
    metadata: metadata(raw),
    clickUrl: status === "clicked" ? fitting(text(field(raw, "url")), MAX.clickUrl) : undefined,
    userAgent: fitting(text(field(raw, "agent")), MAX.userAgent),
    ip: fitting(text(field(raw, "ip")), MAX.ip),
    bounceClass: status !== undefined && BOUNCE_STATUSES.has(status) ? bounceClass(raw) : undefined,
    rejectReason: failure ? rejectReason(raw) : undefined,
    smtpCode: codes.smtpCode,
    enhancedStatus: codes.enhancedStatus,
    mtaResponse: reply,
    description: fitting(failure ? errorText(raw) : source === undefined ? undefined : `feedback loop ${source}`, MAX.description),
  };
}
