import {
  appendLabelled,
  BasicCredentialsSchema,
  definePlugin,
  field,
  ignore,
  isRecord,
  lower,
  firstAt,
  perEvent,
  smtpCodes,
  text,
  textList,
  verifyBasicAuth,
  type EventDetails,
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

type Label = keyof typeof RESPONSE_FIELDS;

/** Each RESPONSE_FIELDS label's first value in the data item and in the payload, found once per event. */
interface Found {
  readonly item: unknown;
  readonly inItem: Readonly<Record<Label, unknown>>;
  readonly inPayload: Readonly<Record<Label, unknown>>;
}

/**
 * The candidate paths walked once per event: `response` and `details` both read them, and most
 * paths are absent, so each walk tries them all.
 */
const foundIn = perEvent((raw): Found => {
  const item = dataItem(raw);
  const inItem = {} as Record<Label, unknown>;
  const inPayload = {} as Record<Label, unknown>;
  for (const label of LABELS) {
    inItem[label] = firstAt(item, RESPONSE_FIELDS[label]!);
    inPayload[label] = firstAt(raw, RESPONSE_FIELDS[label]!);
  }
  return { item, inItem, inPayload };
});

const LABELS = Object.keys(RESPONSE_FIELDS) as Label[];

/** "label: value; ..." as core's describeFields writes it: the item's text, else the payload's. */
function response(raw: unknown): string | undefined {
  const { inItem, inPayload } = foundIn(raw);
  let described: string | undefined;
  for (const label of LABELS) {
    described = appendLabelled(described, label, text(inItem[label]) ?? text(inPayload[label]));
  }
  return described;
}

/** Documented bounce types are `hard` and `soft` (assumed spelling; README). */
function bounceClass(found: Found): EventDetails["bounceClass"] {
  const type = lower(found.inItem.bounce_type ?? found.inPayload.bounce_type);
  return type === "hard" ? "hard" : type === "soft" ? "soft" : "undetermined";
}

/** Recipient and group are documented (`transaction.recipient.email`, or beside the transaction; `transaction.group.name`); the rest is assumed as for `response`. */
function details(raw: unknown): EventDetails {
  const found = foundIn(raw);
  const { item } = found;
  const name = lower(field(raw, "type"));
  const value = (label: Label) => text(found.inItem[label] ?? found.inPayload[label]);
  const smtp = value("smtp_response");
  const reply = smtp ?? value("reason");
  const bounce = name === "bounce";
  const codes = bounce ? smtpCodes(reply) : undefined;
  return {
    recipient: text(firstAt(item, [["transaction", "recipient", "email"], ["recipient", "email"]])),
    tags: textList(firstAt(item, [["transaction", "group", "name"]])),
    clickUrl: name === "click" ? value("url") : undefined,
    userAgent: value("user_agent"),
    ip: value("ip"),
    bounceClass: bounce ? bounceClass(found) : undefined,
    rejectReason: bounce ? "bounced" : undefined,
    smtpCode: codes?.smtpCode,
    enhancedStatus: codes?.enhancedStatus,
    mtaResponse: bounce ? reply : smtp,
    description: name === "failed" ? value("reason") : undefined,
  };
}

export const everlyticStandard = definePlugin({
  contractVersion: 2,
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
    response,
    // The payload id is the documented idempotency key; a payload split into several events
    // suffixes it with the item's position so each keeps a distinct, stable id.
    eventId: (raw) => {
      const id = text(field(raw, "id"));
      const position = isRecord(raw) ? itemPositions.get(raw) : undefined;
      return id === undefined || position === undefined ? id : `${id}#${position}`;
    },
    details,
  },
  setup: [
    "Register the webhook with `pnpm tidings everlytic connect --integration <env>/<integration> --public-url <https://...>`:",
    "it creates (or updates) the Everlytic webhook with this integration's URL, basic auth, field set `standard` and content type.",
    "By hand: Everlytic's Create Webhook API (POST /transactional/email/v1/webhooks) with `field_set: standard` and `auth_details` set to one of the integration's username/password pairs.",
  ].join("\n"),
});

export default everlyticStandard;
