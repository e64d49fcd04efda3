import { describeFields, field, joinParts, messageId, smtpCodes, text, textList, type EventDetails, type RejectReason } from "@tidings/core";
import { eventName } from "./names.js";

/**
 * Postal posts one event per request, in an envelope (app/services/webhook_delivery_service.rb):
 * `{ "event", "timestamp", "payload", "uuid" }`. The payload is what the webhook documentation
 * shows for each event.
 */
function payloadOf(raw: unknown): unknown {
  return field(raw, "payload");
}

/** The message an event is about: `message`, or for MessageBounced the `original_message` that bounced. */
function messageOf(raw: unknown): unknown {
  const payload = payloadOf(raw);
  return field(payload, "message") ?? field(payload, "original_message");
}

/**
 * The envelope's `timestamp`: epoch seconds with microseconds, when Postal recorded the event
 * (the webhook request's creation), the same on every retry. Click, open and bounce payloads carry
 * no time of their own; a payload's `message.timestamp` is when the message was created.
 */
export function date(raw: unknown): number | string | undefined {
  const timestamp = field(raw, "timestamp");
  return typeof timestamp === "number" || typeof timestamp === "string" ? timestamp : undefined;
}

/**
 * The message's `message_id`: the Message-ID that Postal's send API returns as `message_id` (one
 * per send, shared by its recipients, told apart by `recipient`), and that SMTP senders wrote
 * themselves. The per-recipient numeric `id` and `token` are only unique within one mail server.
 */
export function externalId(raw: unknown): string | undefined {
  return messageId(field(messageOf(raw), "message_id"));
}

/** The envelope's `uuid`: one per event and webhook, kept when Postal retries. */
export function eventId(raw: unknown): string | undefined {
  return text(field(raw, "uuid"));
}

export function response(raw: unknown): string | undefined {
  const payload = payloadOf(raw);
  switch (field(raw, "event")) {
    case "MessageLinkClicked":
      return text(field(payload, "url"));
    case "MessageBounced":
      return describeFields(field(payload, "bounce"), { bounce: [["subject"]], from: [["from"]] });
    default:
      return joinParts([text(field(payload, "output")), text(field(payload, "details"))]);
  }
}

/** app/lib/message_dequeuer/single_message_processor.rb, when Postal stops retrying. */
const RETRIES_EXHAUSTED = /^Maximum number of delivery attempts/;
/** The suppression reasons Postal itself writes: "too many hard fails", "too many soft fails". */
const SUPPRESSED_FOR_FAILURES = /\(reason: too many (?:hard|soft) fails\)/;

/**
 * Each reading is assigned into `common` rather than spread into a new object: V8 spreads an
 * object with further properties through a slow path that cost microseconds per event.
 */
export function details(raw: unknown): EventDetails | undefined {
  const payload = payloadOf(raw);
  const message = messageOf(raw);
  const common: EventDetails = { recipient: text(field(message, "to")), tags: textList(field(message, "tag")) };
  const name = eventName(raw);
  switch (name) {
    case "MessageLinkClicked":
      return Object.assign(common, { clickUrl: text(field(payload, "url")) }, client(payload));
    case "MessageLoaded":
      return Object.assign(common, client(payload));
    case "MessageBounced":
      // Postal does not classify the bounce message it received (postalserver/postal#3089).
      return Object.assign(common, { bounceClass: "undetermined" as const, rejectReason: "bounced" as const });
    default:
      return Object.assign(common, delivery(name, payload));
  }
}

/** A delivery attempt's reply (`output`), Postal's account of it (`details`), and what they imply. */
function delivery(name: string | undefined, payload: unknown): EventDetails {
  const output = text(field(payload, "output"));
  const description = text(field(payload, "details"));
  const reading: EventDetails = Object.assign(smtpCodes(output), { mtaResponse: output, description });
  switch (name) {
    case "MessageDelayed":
      return Object.assign(reading, { bounceClass: "soft" as const });
    case "MessageDeliveryFailed:smtp":
      return Object.assign(reading, { bounceClass: "hard" as const, rejectReason: "bounced" as const });
    case "MessageDeliveryFailed":
      return Object.assign(reading, { rejectReason: RETRIES_EXHAUSTED.test(description ?? "") ? ("timed_out" as const) : ("other" as const) });
    case "MessageHeld:suppressed":
      return Object.assign(reading, { rejectReason: suppressionReason(description) });
    default:
      return reading;
  }
}

function suppressionReason(description: string | undefined): RejectReason {
  return SUPPRESSED_FOR_FAILURES.test(description ?? "") ? "bounced" : "other";
}

/** The opening or clicking client, as Postal's tracking middleware saw the request. */
function client(payload: unknown): EventDetails {
  return { userAgent: text(field(payload, "user_agent")), ip: text(field(payload, "ip_address")) };
}
