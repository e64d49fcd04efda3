import { field, fitting, fittingMap, isRecord, perEvent, smtpCodes, text, textMap, WIRE_LIMITS as MAX, type BounceClass, type EventDetails, type RejectReason } from "@tidings/core";
import type { BrevoEvent } from "./mapping.js";

/** What an event name says beyond its status: who wrote `reason`, and the bounce class and reject reason. */
interface EventFacts {
  /** `reason` is the receiving server's reply (mtaResponse) rather than Brevo's own words (description). */
  readonly receiverReason?: true;
  readonly bounceClass?: BounceClass;
  readonly rejectReason?: RejectReason;
}

const FACTS: ReadonlyMap<string, EventFacts> = new Map<BrevoEvent, EventFacts>([
  ["hard_bounce", { receiverReason: true, bounceClass: "hard", rejectReason: "bounced" }],
  ["soft_bounce", { receiverReason: true, bounceClass: "soft", rejectReason: "bounced" }],
  ["deferred", { receiverReason: true, bounceClass: "soft" }],
  ["blocked", { rejectReason: "blocked" }],
  ["invalid_email", { rejectReason: "invalid" }],
  ["error", { rejectReason: "other" }],
  ["spam", { rejectReason: "spam" }],
  ["complaint", { rejectReason: "spam" }],
]);

const NO_FACTS: EventFacts = {};

/** Documented for clicks only; `link` is also present, empty, on other events. */
const CLICK: BrevoEvent = "click";

/** The custom header Brevo echoes back: the sender's own value, JSON text when django-anymail and others send metadata. */
const CUSTOM_HEADER = "X-Mailin-custom";

/** The event's name, lower-cased; eventName, response and details all read it, so it is read once per event. */
export const eventNameOf = perEvent((raw): string | undefined => {
  const name = field(raw, "event");
  return typeof name === "string" ? name.toLowerCase() : undefined;
});

/**
 * Only the fields that are present are written, in the order the details have always listed them,
 * so the engine keeps this object as it is instead of copying it without the absent ones.
 */
export function brevoDetails(raw: unknown): EventDetails {
  const event = eventNameOf(raw) ?? "";
  const facts = FACTS.get(event) ?? NO_FACTS;
  const reason = fitting(text(field(raw, "reason")), MAX.text);
  const details: EventDetails = {};
  const recipient = fitting(text(field(raw, "email")), MAX.recipient);
  if (recipient !== undefined) details.recipient = recipient;
  const tags = tagsOf(raw);
  if (tags !== undefined) details.tags = tags;
  const metadata = metadataOf(raw);
  if (metadata !== undefined) details.metadata = metadata;
  if (event === CLICK) {
    const clickUrl = fitting(text(field(raw, "link")), MAX.clickUrl);
    if (clickUrl !== undefined) details.clickUrl = clickUrl;
  }
  const userAgent = fitting(text(field(raw, "user_agent")), MAX.userAgent);
  if (userAgent !== undefined) details.userAgent = userAgent;
  // ASSUMED: the opener's or clicker's address, as Brevo's event reports name it; `sending_ip` is Brevo's own.
  const ip = fitting(text(field(raw, "ip")), MAX.ip);
  if (ip !== undefined) details.ip = ip;
  if (facts.bounceClass !== undefined) details.bounceClass = facts.bounceClass;
  if (facts.rejectReason !== undefined) details.rejectReason = facts.rejectReason;
  if (reason === undefined) return details;
  if (!facts.receiverReason) {
    details.description = reason;
    return details;
  }
  details.mtaResponse = reason;
  const codes = smtpCodes(reason);
  if (codes.smtpCode !== undefined) details.smtpCode = codes.smtpCode;
  if (codes.enhancedStatus !== undefined) details.enhancedStatus = codes.enhancedStatus;
  return details;
}

/**
 * `tags` (a list) when the sender set tags; otherwise `tag`, which Brevo writes as JSON text of a
 * list (`"[\"a\"]"`), as a plain string (the X-Mailin-Tag header or the template's name) or as a list.
 */
function tagsOf(raw: unknown): string[] | undefined {
  const tags = tagList(field(raw, "tags"));
  if (tags !== undefined) return tags;
  const tag = field(raw, "tag");
  return tagList(typeof tag === "string" ? jsonList(tag) ?? tag : tag);
}

/**
 * core's `fittingList(textList(value))` in one list: the text items no longer than a tag may be,
 * at most as many as the wire schema takes; undefined when none is left.
 */
function tagList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  let out: string[] | undefined;
  if (!Array.isArray(value)) {
    const t = text(value);
    return t !== undefined && t.length <= MAX.tag ? [t] : undefined;
  }
  for (const item of value) {
    const t = text(item);
    if (t === undefined || t.length > MAX.tag) continue;
    (out ??= []).push(t);
    if (out.length === MAX.tags) break;
  }
  return out;
}

function jsonList(value: string): unknown[] | undefined {
  if (!startsWithAfterSpace(value, 91 /* [ */)) return undefined;
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

/** `value.trimStart().startsWith(char)`, without trimming when the first character decides. */
function startsWithAfterSpace(value: string, char: number): boolean {
  const first = value.charCodeAt(0);
  if (first === char) return true;
  // Printable ASCII is never white space: trimStart would leave it first.
  if (first > 32 && first < 127) return false;
  return value.trimStart().charCodeAt(0) === char;
}

/** The custom header's JSON object as metadata, or its text under the header's name. */
function metadataOf(raw: unknown): Record<string, string> | undefined {
  const header = text(field(raw, CUSTOM_HEADER));
  if (header === undefined) return undefined;
  const parsed = startsWithAfterSpace(header, 123 /* { */) ? parseJson(header) : undefined;
  if (isRecord(parsed)) return fittingMap(textMap(parsed));
  return header.length <= MAX.metadataValue ? { [CUSTOM_HEADER]: header } : undefined;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
