import {
  DEFAULT_DECODE_LIMITS,
  decodeBody,
  field,
  inboundRequest,
  isRecord,
  lower,
  parsesExactly,
  perEvent,
  text,
  type JsonRecord,
} from "@tidings/core";
import { isSnsType } from "./sns.js";

/**
 * From an SNS body to raw SES events. A Notification's `Message` is the SES event as JSON text
 * (sometimes ending with a newline); an event that lists several recipients (a bounce, a
 * complaint, a delivery, a delay) becomes one raw event per recipient. Confirmations stay the SNS
 * message itself.
 */

/** The SNS fields a raw event keeps from its envelope: enough for ids and for the stored row. */
export interface SnsHeader {
  readonly Type?: string;
  readonly MessageId?: string;
  readonly TopicArn?: string;
  readonly Timestamp?: string;
}

/**
 * One SES event, or one recipient's share of it (`recipient` is that entry, `index` its position).
 * Raw events are instances made here, never shapes read from the body: unsigned fields added to a
 * signed SNS message cannot pose as an event.
 */
export class SesItem {
  /**
   * The row's start, `{"sns":...,"event":<the Message text>`, shared by the items of one Message,
   * when the Message is the event as SES wrote it (see `row`).
   */
  readonly #head: string | undefined;

  constructor(
    readonly sns: SnsHeader,
    readonly event: JsonRecord,
    readonly recipient?: unknown,
    readonly index?: number,
    head?: string,
  ) {
    this.#head = head;
  }

  /**
   * The row, as JSON.stringify writes this item, with the event as the Message's own text rather
   * than serialized again (once per recipient, it was most of a fan-out's cost). Undefined when
   * the Message took core's decoder (a big integer quoted, a lone surrogate replaced): the event
   * then differs from the text, and the engine serializes it.
   */
  row(): string | undefined {
    if (this.#head === undefined) return undefined;
    const recipient = this.recipient === undefined ? "" : `,"recipient":${JSON.stringify(this.recipient)}`;
    const index = this.index === undefined ? "" : `,"index":${this.index}`;
    return `${this.#head}${recipient}${index}}`;
  }
}

/** A Notification whose Message is not a JSON object: SES's prose topic validation, or something else. */
export class TextItem {
  constructor(
    readonly sns: SnsHeader,
    readonly text: string,
  ) {}
}

interface Kind {
  /** The field holding this event type's own object (with its timestamp). */
  readonly object: string;
  /** The list in that object naming the recipients the event applies to. */
  readonly recipients?: string;
}

/** SES's event types by their documented name, with where each keeps its details. */
const KINDS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ["Bounce", { object: "bounce", recipients: "bouncedRecipients" }],
  ["Complaint", { object: "complaint", recipients: "complainedRecipients" }],
  ["Delivery", { object: "delivery", recipients: "recipients" }],
  ["DeliveryDelay", { object: "deliveryDelay", recipients: "delayedRecipients" }],
  ["Send", { object: "send" }],
  ["Reject", { object: "reject" }],
  ["Open", { object: "open" }],
  ["Click", { object: "click" }],
  ["Rendering Failure", { object: "failure" }],
  ["Subscription", { object: "subscription" }],
]);

const CANONICAL_TYPES: ReadonlyMap<string, string> = new Map([...KINDS.keys(), "AmazonSnsSubscriptionSucceeded"].map((name) => [name.toLowerCase(), name]));

/** The text SES publishes when an SNS event destination is added ("...for Amazon SES event publishing."). */
const TOPIC_VALIDATED = "Successfully validated SNS topic";

export function split(body: unknown): readonly unknown[] {
  if (!isRecord(body) || field(body, "Type") !== "Notification") return [body];
  const sns = headerOf(body);
  const message = field(body, "Message");
  if (typeof message !== "string") return [body];
  const quick = quickParse(message);
  const event = quick ?? parseMessage(message);
  if (event === undefined) return [new TextItem(sns, message)];
  const head = quick === undefined ? undefined : `{"sns":${JSON.stringify(sns)},"event":${message.trimEnd()}`;
  const list = recipientList(event);
  if (list === undefined || list.length === 0) return [new SesItem(sns, event, undefined, undefined, head)];
  return list.map((recipient, index) => new SesItem(sns, event, recipient, index, head));
}

function headerOf(body: JsonRecord): SnsHeader {
  return { Type: text(field(body, "Type")), MessageId: text(field(body, "MessageId")), TopicArn: text(field(body, "TopicArn")), Timestamp: text(field(body, "Timestamp")) };
}

/** The Message as a JSON object through core's decoder (limits, exact big integers), or undefined: for what quickParse does not take. */
function parseMessage(message: string): JsonRecord | undefined {
  if (!message.trimStart().startsWith("{")) return undefined;
  const decoded = decodeBody(inboundRequest({ headers: { "content-type": "application/json" }, body: message }), {
    limits: DEFAULT_DECODE_LIMITS,
    jsonFormFields: [],
  });
  return decoded.ok && isRecord(decoded.value) ? decoded.value : undefined;
}

/** ES2024's String.prototype.isWellFormed, which Node 20 has and the ES2023 lib does not declare. */
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

/**
 * The common Message without the round trip through bytes that core's decoder makes: one that
 * starts with "{", has no lone surrogate (the UTF-8 round trip would replace it), surely fits the
 * byte limit (at most 3 UTF-8 bytes per UTF-16 unit), parses, and holds no deep nesting and no
 * integer JSON.parse may have rounded. Anything else takes core's decoder, which decides as before.
 */
function quickParse(message: string): JsonRecord | undefined {
  if (message.charCodeAt(0) !== 123 || message.length * 3 > DEFAULT_DECODE_LIMITS.maxBytes || !isWellFormed.call(message)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  return isRecord(value) && parsesExactly(value, DEFAULT_DECODE_LIMITS.maxDepth) ? value : undefined;
}

/** The SES event type as documented (`eventType`, or `notificationType` without event publishing), or the raw text. */
function typeOf(event: JsonRecord): string | undefined {
  const raw = text(field(event, "eventType")) ?? text(field(event, "notificationType"));
  return raw === undefined ? undefined : (CANONICAL_TYPES.get(raw.toLowerCase()) ?? raw);
}

/** What every reader needs about an SES event: its type, its own object (`bounce`, `delivery`...) and its refined name. */
export interface EventFacts {
  readonly type: string | undefined;
  readonly kind: Kind | undefined;
  readonly own: unknown;
  readonly name: string | undefined;
}

/** The recipients of a fanned-out event share one event object, and each reader asks again: worked out once. */
export const factsOf = perEvent((raw): EventFacts => {
  const event = raw as JsonRecord;
  const type = typeOf(event);
  const kind = type === undefined ? undefined : KINDS.get(type);
  const own = kind === undefined ? undefined : field(event, kind.object);
  return { type, kind, own, name: sesEventName(type, own) };
});

function recipientList(event: JsonRecord): readonly unknown[] | undefined {
  const { kind, own } = factsOf(event);
  if (kind?.recipients === undefined) return undefined;
  const list = field(own, kind.recipients);
  return Array.isArray(list) ? list : undefined;
}

export function eventName(raw: unknown): string | undefined {
  if (raw instanceof SesItem) return factsOf(raw.event).name;
  if (raw instanceof TextItem) return raw.text.startsWith(TOPIC_VALIDATED) ? "TopicValidated" : undefined;
  const type = field(raw, "Type");
  return isSnsType(type) && type !== "Notification" ? type : undefined;
}

const BOUNCE_TYPES = new Map([["permanent", "Permanent"], ["transient", "Transient"], ["undetermined", "Undetermined"]]);
/** Bounce subtypes with a meaning of their own, by bounce type (other subtypes keep the type's meaning). */
const BOUNCE_SUBTYPES = new Map([
  ["Permanent", new Map([["suppressed", "Suppressed"], ["onaccountsuppressionlist", "OnAccountSuppressionList"]])],
  ["Transient", new Map([["contentrejected", "ContentRejected"], ["attachmentrejected", "AttachmentRejected"]])],
]);
const DELAY_TYPES = new Map(
  [
    "InternalFailure",
    "General",
    "MailboxFull",
    "SpamDetected",
    "RecipientServerError",
    "IPFailure",
    "TransientCommunicationFailure",
    "BYOIPHostNameLookupUnavailable",
    "Undetermined",
    "SendingDeferral",
  ].map((name) => [name.toLowerCase(), name]),
);

function sesEventName(type: string | undefined, own: unknown): string | undefined {
  switch (type) {
    case "Bounce": {
      const bounceType = BOUNCE_TYPES.get(lower(field(own, "bounceType")) ?? "");
      if (bounceType === undefined) return type;
      const subtype = BOUNCE_SUBTYPES.get(bounceType)?.get(lower(field(own, "bounceSubType")) ?? "");
      return subtype === undefined ? `Bounce:${bounceType}` : `Bounce:${bounceType}:${subtype}`;
    }
    case "Complaint":
      if (lower(field(own, "complaintSubType")) === "onaccountsuppressionlist") return "Complaint:OnAccountSuppressionList";
      return lower(field(own, "complaintFeedbackType")) === "not-spam" ? "Complaint:not-spam" : type;
    case "DeliveryDelay": {
      const delayType = DELAY_TYPES.get(lower(field(own, "delayType")) ?? "");
      return delayType === undefined ? type : `DeliveryDelay:${delayType}`;
    }
    case "Subscription":
      return optedOut(own) ? "Subscription:unsubscribed" : type;
    default:
      return type;
  }
}

/**
 * Whether a subscription change is an opt-out: the contact unsubscribed from the whole list, or a
 * topic went to OptOut from anything else.
 */
function optedOut(subscription: unknown): boolean {
  const next = field(subscription, "newTopicPreferences");
  if (field(next, "unsubscribeAll") === true && field(field(subscription, "oldTopicPreferences"), "unsubscribeAll") !== true) return true;
  const before = topicStatuses(field(subscription, "oldTopicPreferences"));
  for (const [topic, status] of topicStatuses(next)) {
    if (status === "optout" && before.get(topic) !== "optout") return true;
  }
  return false;
}

function topicStatuses(preferences: unknown): Map<string, string> {
  const statuses = new Map<string, string>();
  const list = field(preferences, "topicSubscriptionStatus");
  for (const entry of Array.isArray(list) ? list : []) {
    const topic = text(field(entry, "topicName"));
    const status = lower(field(entry, "subscriptionStatus"));
    if (topic !== undefined && status !== undefined) statuses.set(topic, status);
  }
  return statuses;
}

/** The recipient's address: a plain string (delivery) or the entry's `emailAddress`. */
export function recipientAddress(entry: unknown): string | undefined {
  return text(entry) ?? text(field(entry, "emailAddress"));
}

/** The SNS MessageId, stable across SNS's retries, of a raw event or an SNS message. */
export function snsMessageId(raw: unknown): string | undefined {
  return raw instanceof SesItem || raw instanceof TextItem ? raw.sns.MessageId : text(field(raw, "MessageId"));
}
