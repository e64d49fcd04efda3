import { appendLabelled, field, firstAt, isRecord, lower, perEvent, smtpCodes, text, textList, textMap, toIsoDate, type EventDetails } from "@tidings/core";
import { MAPPING, type EverlyticLegacyEvent } from "./mapping.js";

/**
 * Per-event details the legacy pages do not document (ASSUMED names, see README): each label's
 * candidate paths, the first holding a value wins. Labelled as in `response`, in this order.
 */
const RESPONSE_FIELDS = [
  ["bounce_type", [["bounce_type"], ["bounce", "type"]]],
  ["reason", [["bounce_reason"], ["reason"], ["error"], ["bounce", "reason"]]],
  ["code", [["bounce_code"], ["code"], ["smtp_code"], ["bounce", "code"]]],
  ["smtp_response", [["smtp_response"], ["response"]]],
  ["url", [["url"], ["link"], ["link_url"]]],
  ["user_agent", [["user_agent"], ["useragent"]]],
  ["ip", [["ip"], ["ip_address"]]],
] as const;
const BOUNCE_TYPE = 0, REASON = 1, SMTP_RESPONSE = 3, URL = 4, USER_AGENT = 5, IP = 6;

/** The names those paths start from: an event holding none of them (most do) has no such field. */
const FIRST_NAMES: ReadonlySet<string> = new Set<string>(RESPONSE_FIELDS.flatMap(([, paths]) => paths.map((path) => path[0])));
const NONE_FOUND: readonly (string | undefined)[] = RESPONSE_FIELDS.map(() => undefined);

/** `response` and `details` both read these fields: they are read once per event. */
const responseFields = perEvent(
  (raw): readonly (string | undefined)[] => (mentionsAny(raw) ? RESPONSE_FIELDS.map(([, paths]) => text(firstAt(raw, paths))) : NONE_FOUND),
);

function mentionsAny(raw: unknown): boolean {
  if (!isRecord(raw)) return false;
  for (const name in raw) if (FIRST_NAMES.has(name)) return true;
  return false;
}

export function eventName(raw: unknown): string | undefined {
  return lower(field(raw, "event_type"))?.trim();
}

/** Wall-clock `event_date` text without a zone is South African Standard Time (UTC+02:00, no DST). */
const EVENT_DATE = { assumeOffset: "+02:00", epoch: "seconds" } as const;

export function date(raw: unknown): string | undefined {
  return toIsoDate(field(raw, "event_date"), EVENT_DATE);
}

/** "label: value; label: value" for the RESPONSE_FIELDS present. */
export function response(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const found = responseFields(raw);
  let out: string | undefined;
  for (let i = 0; i < found.length; i++) out = appendLabelled(out, RESPONSE_FIELDS[i]![0], found[i]);
  return out;
}

/** `custom_headers` is shown both as a map and as a list of "Name: value" lines; both become metadata. */
function customHeaders(value: unknown): Record<string, string> | undefined {
  if (!Array.isArray(value)) return textMap(value);
  const entries = value.flatMap((line) => {
    const t = text(line);
    const colon = t?.indexOf(":") ?? -1;
    return t !== undefined && colon > 0 ? [[t.slice(0, colon).trim(), t.slice(colon + 1).trim()] as const] : [];
  });
  return entries.length === 0 ? undefined : textMap(Object.fromEntries(entries));
}

/**
 * `email_to`, `group_name` and `custom_headers` are documented; the per-event fields are assumed as
 * for `response`. Only present fields are set, in the order of the details schema's readers.
 */
export function details(raw: unknown): EventDetails {
  const name = MAPPING[eventName(raw) as EverlyticLegacyEvent];
  const found = responseFields(raw);
  const smtp = found[SMTP_RESPONSE];
  const out: EventDetails = {};
  const recipient = text(field(raw, "email_to"));
  if (recipient !== undefined) out.recipient = recipient;
  const groups = field(raw, "group_name");
  const tags = groups === undefined ? undefined : textList(groups);
  if (tags !== undefined) out.tags = tags;
  const metadata = customHeaders(field(raw, "custom_headers"));
  if (metadata !== undefined) out.metadata = metadata;
  if (name === "clicked" && found[URL] !== undefined) out.clickUrl = found[URL];
  if (found[USER_AGENT] !== undefined) out.userAgent = found[USER_AGENT];
  if (found[IP] !== undefined) out.ip = found[IP];
  if (name === "bounced") {
    const type = lower(found[BOUNCE_TYPE]);
    const reply = smtp ?? found[REASON];
    out.bounceClass = type === "hard" || type === "soft" ? type : "undetermined";
    out.rejectReason = "bounced";
    const codes = smtpCodes(reply);
    if (codes.smtpCode !== undefined) out.smtpCode = codes.smtpCode;
    if (codes.enhancedStatus !== undefined) out.enhancedStatus = codes.enhancedStatus;
    if (reply !== undefined) out.mtaResponse = reply;
  } else if (smtp !== undefined) {
    out.mtaResponse = smtp;
  }
  if (name === "failed" && found[REASON] !== undefined) out.description = found[REASON];
  return out;
}
