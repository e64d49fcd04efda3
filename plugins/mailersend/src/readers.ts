import { at, describeFields, field, firstAt, isRecord, lower, smtpCodes, text, textList, type EventDetails, type JsonRecord, type RejectReason } from "@tidings/core";
import { fitting, fittingDetails, fittingTags, MAX } from "./bounds.js";

/**
 * MailerSend posts two payload versions. Webhooks 2.0 (the default for new webhooks) keep the
 * event time at the top and flatten `data`: `message_id`, `email_id`, the recipient as text
 * (`recipient`, or `email` in the documentation's example), `tags`, and `meta` for what the event
 * adds (an empty list when nothing). Legacy webhooks (retired at the end of 2026) nest the email
 * under `data.email` (`message.id`, `recipient.email`, `tags`) and put the event's extra in
 * `data.morph`. The readers accept both; README.md lists which field each value comes from.
 */

/**
 * The mapping key: the top-level `type`. The documentation's `email_single.verified` example
 * names its event in `object` instead, so a payload without `type` is read by `object`.
 */
export function eventName(raw: unknown): string | undefined {
  return lower(text(field(raw, "type")) ?? text(field(raw, "object")));
}

function isActivity(name: string | undefined): name is string {
  return name?.startsWith("activity.") === true;
}

/**
 * The activity's own time: legacy `data.created_at` (the top-level `created_at` there is when the
 * webhook was sent, seconds later), or webhooks 2.0's top-level `created_at`.
 */
export function date(raw: unknown): string | undefined {
  for (const value of [at(raw, "data", "created_at"), field(raw, "created_at")]) {
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

/**
 * The message id, which MailerSend's send API returns in `X-Message-Id` and its SMTP relay in
 * "250 Message queued as <id>". `email_id` (legacy `data.email.id`) is the per-recipient email
 * inside that message, which the sender never receives.
 */
export function externalId(raw: unknown): string | undefined {
  const id = firstText(raw, [
    ["data", "email", "message", "id"],
    ["data", "message_id"],
  ]);
  return fitting(id, MAX.externalId);
}

/** The activity's id, `data.id`; other events' `data.id` names an object (an identity, a list), not the event. */
export function eventId(raw: unknown): string | undefined {
  return isActivity(eventName(raw)) ? fitting(text(at(raw, "data", "id")), MAX.resultId) : undefined;
}

/** What the event adds: webhooks 2.0 `data.meta`, legacy `data.morph`. */
function extra(raw: unknown): JsonRecord | undefined {
  const meta = at(raw, "data", "meta");
  if (isRecord(meta)) return meta;
  const morph = at(raw, "data", "morph");
  return isRecord(morph) ? morph : undefined;
}

/** The provider's words for a bounce, deferral, suppression or unsubscribe, most readable first. */
const REASON_PATHS = [["readable_reason"], ["bounce_reason"], ["unsubscribe_reason"], ["suppression_reason"], ["reason"]] as const;

const CLICKS: ReadonlySet<string> = new Set(["activity.clicked", "activity.clicked_unique"]);

export function response(raw: unknown): string | undefined {
  const info = extra(raw);
  const described = CLICKS.has(eventName(raw) ?? "") ? text(field(info, "url")) : describeFields(info, { reason: REASON_PATHS, code: [["bounce_code"]] });
  return fitting(described, MAX.text);
}

const OPENS: ReadonlySet<string> = new Set(["activity.opened", "activity.opened_unique", "activity.survey_opened"]);
const BOUNCE_CLASSES: Readonly<Record<string, "hard" | "soft">> = {
  "activity.hard_bounced": "hard",
  "activity.soft_bounced": "soft",
  "activity.deferred": "soft",
};

/** Suppression list names as MailerSend words them (`on_hold`, `hard_bounce`...), by what put the address there. */
const SUPPRESSION_REASONS: readonly (readonly [RegExp, RejectReason])[] = [
  [/unsubscri/i, "unsubscribed"],
  [/spam|complain/i, "spam"],
  [/bounce/i, "bounced"],
  [/block/i, "blocked"],
];

export function details(raw: unknown): EventDetails | undefined {
  const name = eventName(raw);
  return isActivity(name) ? fittingDetails(activityDetails(name, raw)) : undefined;
}

function activityDetails(name: string, raw: unknown): EventDetails {
  const info = extra(raw);
  const common: EventDetails = {
    recipient: firstText(raw, [
      ["data", "email", "recipient", "email"],
      ["data", "recipient"],
      ["data", "email"],
    ]),
    tags: fittingTags(textList(firstAt(raw, [["data", "email", "tags"], ["data", "tags"]]))),
  };
  if (CLICKS.has(name)) return { ...common, ...client(info), clickUrl: text(field(info, "url")) };
  if (OPENS.has(name)) return { ...common, ...client(info) };
  const reason = firstText(info, REASON_PATHS);
  const bounceClass = BOUNCE_CLASSES[name];
  if (bounceClass !== undefined) {
    return { ...common, ...replyOf(info), bounceClass, rejectReason: name === "activity.deferred" ? undefined : "bounced", description: reason };
  }
  if (name === "activity.suppressed") {
    const list = text(field(info, "suppression_reason")) ?? "";
    return { ...common, rejectReason: SUPPRESSION_REASONS.find(([pattern]) => pattern.test(list))?.[1] ?? "other", description: reason };
  }
  return name === "activity.unsubscribed" ? { ...common, description: reason } : common;
}

function client(info: JsonRecord | undefined): EventDetails {
  return { userAgent: text(field(info, "user_agent")), ip: text(field(info, "ip")) };
}

/**
 * The receiving server's reply: a reason that starts with an SMTP code is the reply verbatim;
 * webhooks 2.0 also give the code alone as `bounce_code`.
 */
function replyOf(info: JsonRecord | undefined): EventDetails {
  const reply = firstText(info, [["reason"], ["bounce_reason"]]);
  const codes = smtpCodes(reply);
  const code = text(field(info, "bounce_code"));
  const isReply = codes.smtpCode !== undefined || codes.enhancedStatus !== undefined;
  return {
    smtpCode: code !== undefined && /^[2-5]\d\d$/.test(code) ? code : codes.smtpCode,
    enhancedStatus: codes.enhancedStatus,
    mtaResponse: isReply ? reply : undefined,
  };
}

/** The first of the paths that holds text (a path to an object is skipped, not taken). */
function firstText(value: unknown, paths: readonly (readonly string[])[]): string | undefined {
  for (const path of paths) {
    const found = text(at(value, ...path));
    if (found !== undefined) return found;
  }
  return undefined;
}
