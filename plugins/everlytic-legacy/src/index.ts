import {
  BasicCredentialsSchema,
  definePlugin,
  describeFields,
  field,
  ignore,
  isRecord,
  lower,
  firstAt,
  smtpCodes,
  text,
  textList,
  textMap,
  toIsoDate,
  verifyBasicAuth,
  type EventDetails,
  type FieldTable,
  type Mapping,
} from "@tidings/core";

/**
 * Everlytic transactional webhooks, legacy field set (the older transactional callbacks).
 * Documented: help.everlytic.com "Webhook payloads" and "Callbacks (transactional only)": an
 * `event` object with `event_id, event_date, event_type, email_to, group_name, custom_headers,
 * trans_id`, older pages posting it as a form field `event=<JSON text>`. The exact event_type
 * spellings are not documented, so both the webhook and the display spellings are listed.
 */
export const EVENTS = [
  "sent",
  "delivered",
  "failed",
  "bounce",
  "bounced",
  "open",
  "opened",
  "click",
  "clicked",
  "unsubscribe",
  "unsubscribed",
  "resubscribe",
  "resubscribed",
] as const;
export type EverlyticLegacyEvent = (typeof EVENTS)[number];

const RESUBSCRIBE = ignore("the vocabulary has no status for a recipient opting back in");

export const MAPPING: Mapping<EverlyticLegacyEvent> = {
  sent: "sent",
  delivered: "delivered",
  failed: "failed",
  bounce: "bounced",
  bounced: "bounced",
  open: "opened",
  opened: "opened",
  click: "clicked",
  clicked: "clicked",
  unsubscribe: "unsubscribed",
  unsubscribed: "unsubscribed",
  resubscribe: RESUBSCRIBE,
  resubscribed: RESUBSCRIBE,
};

/** Per-event details the legacy pages do not document (ASSUMED names, see README). */
const RESPONSE_FIELDS: FieldTable = {
  bounce_type: [["bounce_type"], ["bounce", "type"]],
  reason: [["bounce_reason"], ["reason"], ["error"], ["bounce", "reason"]],
  code: [["bounce_code"], ["code"], ["smtp_code"], ["bounce", "code"]],
  smtp_response: [["smtp_response"], ["response"]],
  url: [["url"], ["link"], ["link_url"]],
  user_agent: [["user_agent"], ["useragent"]],
  ip: [["ip"], ["ip_address"]],
};

/** Wall-clock `event_date` text without a zone is South African Standard Time (UTC+02:00, no DST). */
const SAST = "+02:00";

/**
 * The documented wrapper is `{ "event": {...} }` (JSON, or a form field holding JSON text, or
 * bracketed `event[trans_id]=...`); a list under `event` or a bare event object is accepted too.
 */
function splitBody(body: unknown): unknown[] {
  if (Array.isArray(body)) return body.flatMap(splitBody);
  const event = field(body, "event");
  if (Array.isArray(event)) return event;
  if (event !== undefined) return [event];
  return [body];
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

/** `email_to`, `group_name` and `custom_headers` are documented; the per-event fields are assumed as for `response`. */
function details(raw: unknown): EventDetails {
  const name = MAPPING[lower(field(raw, "event_type"))?.trim() as EverlyticLegacyEvent];
  const found = (label: string) => text(firstAt(raw, RESPONSE_FIELDS[label]!));
  const smtp = found("smtp_response");
  const reply = smtp ?? found("reason");
  const type = lower(found("bounce_type"));
  return {
    recipient: text(field(raw, "email_to")),
    tags: textList(field(raw, "group_name")),
    metadata: customHeaders(field(raw, "custom_headers")),
    clickUrl: name === "clicked" ? found("url") : undefined,
    userAgent: found("user_agent"),
    ip: found("ip"),
    bounceClass: name === "bounced" ? (type === "hard" || type === "soft" ? type : "undetermined") : undefined,
    rejectReason: name === "bounced" ? "bounced" : undefined,
    ...(name === "bounced" ? smtpCodes(reply) : {}),
    mtaResponse: name === "bounced" ? reply : smtp,
    description: name === "failed" ? found("reason") : undefined,
  };
}

export const everlyticLegacy = definePlugin({
  contractVersion: 2,
  id: "everlytic-legacy",
  displayName: "Everlytic (legacy field set)",
  contentTypes: ["application/json", "application/x-www-form-urlencoded"],
  jsonFormFields: ["event"],
  credentials: BasicCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split: splitBody,
  eventName: (raw) => lower(field(raw, "event_type"))?.trim(),
  read: {
    date: (raw) => toIsoDate(field(raw, "event_date"), { assumeOffset: SAST, epoch: "seconds" }),
    externalId: (raw) => text(field(raw, "trans_id")),
    response: (raw) => (isRecord(raw) ? describeFields(raw, RESPONSE_FIELDS) : undefined),
    eventId: (raw) => text(field(raw, "event_id")),
    details,
  },
  setup: [
    "Register the webhook with `pnpm tidings everlytic connect --integration <env>/<integration> --public-url <https://...>`",
    "(it sets field set `legacy`, the content type and basic auth from this integration), or by hand with Everlytic's",
    "Create Webhook API, `field_set: legacy` and `auth_details` set to one of the integration's username/password pairs.",
  ].join("\n"),
});

export default everlyticLegacy;
