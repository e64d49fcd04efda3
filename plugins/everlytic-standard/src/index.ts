import {
  BasicCredentialsSchema,
  definePlugin,
  describeFields,
  field,
  ignore,
  isRecord,
  lower,
  text,
  verifyBasicAuth,
  type FieldTable,
  type Mapping,
} from "@tidings/core";

/**
 * Everlytic transactional webhooks, standard field set.
 * Documented: help.everlytic.com "Webhook payloads" (?p=14146): `id`, `type`, `timestamp` and
 * `data` with `transaction {id, message_id, method, group, sent_timestamp, subject,
 * message_size_bytes, recipient}`. See README.md for what is documented and what is assumed.
 */
export const EVENTS = ["sent", "delivered", "failed", "bounce", "open", "click", "unsubscribe", "resubscribe"] as const;
export type EverlyticEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<EverlyticEvent> = {
  sent: "sent",
  delivered: "delivered",
  failed: "failed",
  bounce: "bounced",
  open: "opened",
  click: "clicked",
  unsubscribe: "unsubscribed",
  resubscribe: ignore("the vocabulary has no status for a recipient opting back in"),
};

/**
 * Per-event details Everlytic does not document; read under the likely names (ASSUMED, see
 * README) from the data item, its transaction, an object named after the event, or the payload.
 */
const RESPONSE_FIELDS: FieldTable = {
  bounce_type: [["bounce", "type"], ["bounce_type"], ["transaction", "bounce_type"]],
  reason: [["bounce", "reason"], ["bounce_reason"], ["failed", "reason"], ["reason"], ["error"], ["transaction", "reason"]],
  code: [["bounce", "code"], ["bounce_code"], ["code"], ["smtp_code"]],
  smtp_response: [["smtp_response"], ["bounce", "smtp_response"], ["response"]],
  url: [["click", "url"], ["url"], ["link"], ["link_url"]],
  user_agent: [["user_agent"], ["useragent"], ["click", "user_agent"], ["open", "user_agent"]],
  ip: [["ip"], ["ip_address"], ["click", "ip"], ["open", "ip"]],
};

/** `data` is documented as "Array"; both a list of items and a single object are accepted. */
function dataItem(raw: unknown): unknown {
  const data = field(raw, "data");
  return Array.isArray(data) ? data[0] : data;
}

function transaction(raw: unknown): unknown {
  return field(dataItem(raw), "transaction");
}

/** Events cut out of a multi-item payload, with their item's position in `data`. */
const itemPositions = new WeakMap<object, number>();

/** One raw event per data item; a payload with one item (or an object) is kept exactly as sent. */
function splitPayload(payload: unknown): unknown[] {
  const data = field(payload, "data");
  if (!isRecord(payload) || !Array.isArray(data) || data.length <= 1) return [payload];
  return data.map((item, index) => {
    const event = { ...payload, data: item };
    itemPositions.set(event, index);
    return event;
  });
}

export const everlyticStandard = definePlugin({
  contractVersion: 1,
  id: "everlytic-standard",
  displayName: "Everlytic (standard field set)",
  contentTypes: ["application/json", "application/x-www-form-urlencoded"],
  credentials: BasicCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // Batching is undocumented: a top-level list of payloads is accepted as well.
  split: (body) => (Array.isArray(body) ? body.flatMap(splitPayload) : splitPayload(body)),
  eventName: (raw) => lower(field(raw, "type")),
  read: {
    date: (raw) => text(field(raw, "timestamp")),
    externalId: (raw) => text(field(transaction(raw), "id")),
    // The data item first, the payload's top level second.
    response: (raw) => describeFields(dataItem(raw), RESPONSE_FIELDS, raw),
    // The payload id is the documented idempotency key; a payload split into several events
    // suffixes it with the item's position so each keeps a distinct, stable id.
    eventId: (raw) => {
      const id = text(field(raw, "id"));
      const position = isRecord(raw) ? itemPositions.get(raw) : undefined;
      return id === undefined || position === undefined ? id : `${id}#${position}`;
    },
  },
});

export default everlyticStandard;
