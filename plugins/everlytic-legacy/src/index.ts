import {
  BasicCredentialsSchema,
  definePlugin,
  describeFields,
  field,
  ignore,
  isRecord,
  lower,
  text,
  toIsoDate,
  verifyBasicAuth,
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

export const everlyticLegacy = definePlugin({
  contractVersion: 1,
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
  },
});

export default everlyticLegacy;
