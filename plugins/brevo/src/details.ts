import { field, isRecord, lower, smtpCodes, text, textList, textMap, type BounceClass, type EventDetails, type RejectReason, fitting, fittingList, fittingMap, WIRE_LIMITS as MAX } from "@tidings/core";
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

/** Documented for clicks only; `link` is also present, empty, on other events. */
const CLICK: BrevoEvent = "click";

/** The custom header Brevo echoes back: the sender's own value, JSON text when django-anymail and others send metadata. */
const CUSTOM_HEADER = "X-Mailin-custom";

export function brevoDetails(raw: unknown): EventDetails {
  const event = lower(field(raw, "event")) ?? "";
  const facts = FACTS.get(event) ?? {};
  const reason = fitting(text(field(raw, "reason")), MAX.text);
  return {
    recipient: fitting(text(field(raw, "email")), MAX.recipient),
    tags: tagsOf(raw),
    metadata: metadataOf(raw),
    clickUrl: event === CLICK ? fitting(text(field(raw, "link")), MAX.clickUrl) : undefined,
    userAgent: fitting(text(field(raw, "user_agent")), MAX.userAgent),
    // ASSUMED: the opener's or clicker's address, as Brevo's event reports name it; `sending_ip` is Brevo's own.
    ip: fitting(text(field(raw, "ip")), MAX.ip),
    bounceClass: facts.bounceClass,
    rejectReason: facts.rejectReason,
    ...(facts.receiverReason ? { mtaResponse: reason, ...smtpCodes(reason) } : { description: reason }),
  };
}

/**
 * `tags` (a list) when the sender set tags; otherwise `tag`, which Brevo writes as JSON text of a
 * list (`"[\"a\"]"`), as a plain string (the X-Mailin-Tag header or the template's name) or as a list.
 */
function tagsOf(raw: unknown): string[] | undefined {
  const tags = fittingList(textList(field(raw, "tags")));
  if (tags !== undefined) return tags;
  const tag = field(raw, "tag");
  return fittingList(textList(typeof tag === "string" ? jsonList(tag) ?? tag : tag));
}


function jsonList(value: string): unknown[] | undefined {
  if (!value.trimStart().startsWith("[")) return undefined;
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

/** The custom header's JSON object as metadata, or its text under the header's name. */
function metadataOf(raw: unknown): Record<string, string> | undefined {
  const header = text(field(raw, CUSTOM_HEADER));
  if (header === undefined) return undefined;
  const parsed = header.trimStart().startsWith("{") ? parseJson(header) : undefined;
  const map = isRecord(parsed) ? textMap(parsed) : { [CUSTOM_HEADER]: header };
  return fittingMap(map);
}


function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
