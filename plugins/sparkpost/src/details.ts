import { count, field, fitting, fittingList, fittingMap, isIgnore, joinParts, lower, smtpCodes, text, textList, textMap, type EventDetails, type JsonRecord, type Status, WIRE_LIMITS } from "@tidings/core";
import { bounceClassOf, describeClass, vocabularyClass } from "./bounce-classes.js";
import { eventName, eventOf } from "./envelope.js";
import { MAPPING, type SparkPostEvent } from "./mapping.js";

/** Engagement events: their `ip_address` and `user_agent` are the recipient's client's, not a mail server's. */
const ENGAGEMENT = new Set(["open", "initial_open", "amp_open", "amp_initial_open", "click", "amp_click", "link_unsubscribe"]);
/** Events that report a receiving server's answer to a delivery attempt. */
const REMOTE_REPLY = new Set(["bounce", "out_of_band", "delay"]);
/** Delivery attempts, whose `num_retries` counts the failed attempts before this one. */
const ATTEMPTS = new Set(["delivery", "bounce", "delay"]);
const BOUNCE_STATUSES: ReadonlySet<Status> = new Set(["bounced", "deferred", "blocked"]);
const FAILURE_STATUSES: ReadonlySet<Status> = new Set(["bounced", "blocked", "dropped", "rejected", "failed"]);

/** The bounds of core's schemas: a value beyond them is left out (the row keeps it) rather than failing the event. */
const MAX = WIRE_LIMITS;

/** The status the mapping gives an event, or undefined for ignored and unknown ones. */
function statusOf(item: unknown): Status | undefined {
  const name = eventName(item);
  if (name === undefined || !Object.hasOwn(MAPPING, name)) return undefined;
  const target = MAPPING[name as SparkPostEvent];
  return isIgnore(target) ? undefined : target;
}

function baseType(event: JsonRecord): string | undefined {
  return lower(field(event, "type"));
}

/** `timestamp`: epoch seconds as text or a number in webhooks, ISO 8601 text in the Events API's copies. */
export function readDate(item: unknown): string | number | undefined {
  const timestamp = field(eventOf(item), "timestamp");
  return typeof timestamp === "string" || typeof timestamp === "number" ? timestamp : undefined;
}

export function readAttempts(item: unknown): number | undefined {
  const event = eventOf(item);
  if (event === undefined || !ATTEMPTS.has(baseType(event) ?? "")) return undefined;
  const retries = count(field(event, "num_retries"));
  return retries !== undefined && retries < 1_000_000 ? retries + 1 : undefined;
}

/** The clicked link for clicks; otherwise the server's or SparkPost's reason, its bounce class and any feedback type. */
export function readResponse(item: unknown): string | undefined {
  const event = eventOf(item);
  if (event === undefined) return undefined;
  if (statusOf(item) === "clicked") return fitting(text(field(event, "target_link_url")), MAX.text);
  const info = bounceClassOf(field(event, "bounce_class"));
  const fbtype = text(field(event, "fbtype"));
  return fitting(
    joinParts([
      text(field(event, "raw_reason")) ?? text(field(event, "reason")),
      info === undefined ? undefined : describeClass(info),
      fbtype === undefined ? undefined : `feedback type ${fbtype}`,
    ]),
    MAX.text,
  );
}

export function readDetails(item: unknown): EventDetails | undefined {
  const event = eventOf(item);
  if (event === undefined) return undefined;
  const status = statusOf(item);
  const type = baseType(event) ?? "";
  const engagement = ENGAGEMENT.has(type);
  const remote = REMOTE_REPLY.has(type);
  const info = bounceClassOf(field(event, "bounce_class"));
  const rawReason = text(field(event, "raw_reason"));
  const codes = remote ? smtpCodes(rawReason) : {};
  return {
    recipient: fitting(text(field(event, "rcpt_to")) ?? text(field(event, "raw_rcpt_to")), MAX.recipient),
    tags: tagsOf(field(event, "rcpt_tags")),
    // SparkPost merges transmission metadata under recipient metadata into rcpt_meta (recipient keys win).
    metadata: metadataOf(field(event, "rcpt_meta")),
    clickUrl: status === "clicked" ? fitting(text(field(event, "target_link_url")), MAX.clickUrl) : undefined,
    userAgent: engagement ? fitting(text(field(event, "user_agent")), MAX.userAgent) : undefined,
    ip: engagement ? fitting(text(field(event, "ip_address")), MAX.ip) : undefined,
    bounceClass: info !== undefined && status !== undefined && BOUNCE_STATUSES.has(status) ? vocabularyClass(info) : undefined,
    rejectReason: status !== undefined && FAILURE_STATUSES.has(status) ? info?.rejectReason : undefined,
    smtpCode: codes.smtpCode ?? (remote ? smtpCodeOf(field(event, "error_code")) : undefined),
    enhancedStatus: codes.enhancedStatus,
    mtaResponse: remote ? fitting(rawReason, MAX.text) : undefined,
    description: fitting(text(field(event, "reason")), MAX.text),
  };
}

/** `error_code`: "Error code by which the remote server described a failed delivery attempt". */
function smtpCodeOf(value: unknown): string | undefined {
  const code = text(value);
  return code !== undefined && /^[2-5]\d\d$/.test(code) ? code : undefined;
}

function tagsOf(value: unknown): string[] | undefined {
  return fittingList(textList(value));
}

function metadataOf(value: unknown): Record<string, string> | undefined {
  return fittingMap(textMap(value));
}
