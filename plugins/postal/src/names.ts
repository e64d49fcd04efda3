import { at, field, smtpCodes, text } from "@tidings/core";
import { MESSAGE_STATUS_EVENTS } from "./mapping.js";

const STATUS_EVENTS: ReadonlySet<string> = new Set(MESSAGE_STATUS_EVENTS);

/**
 * The `details` of a hold for a suppressed recipient, as
 * app/lib/message_dequeuer/outgoing_message_processor.rb writes it:
 * "Recipient (<address>) is on the suppression list (reason: <reason>)".
 */
const SUPPRESSED = /\bis on the suppression list\b/;

/**
 * The mapping key of a raw event: the envelope's `event`, refined for message status events by
 * the message's direction, by whether a failure carries the receiving server's permanent (5xx)
 * SMTP reply in `output`, and by whether a hold is for a suppressed recipient. Event names are
 * compared exactly, as Postal spells them.
 */
export function eventName(raw: unknown): string | undefined {
  const event = field(raw, "event");
  if (typeof event !== "string" || event === "") return undefined;
  if (!STATUS_EVENTS.has(event)) return event;
  const payload = field(raw, "payload");
  if (at(payload, "message", "direction") === "incoming") return `${event}:incoming`;
  if (event === "MessageDeliveryFailed" && isPermanentSmtpReply(field(payload, "output"))) return "MessageDeliveryFailed:smtp";
  if (event === "MessageHeld" && SUPPRESSED.test(text(field(payload, "details")) ?? "")) return "MessageHeld:suppressed";
  return event;
}

/** Postal puts the receiving server's reply in `output` ("550 5.1.1 ..."); its own failures leave it empty. */
function isPermanentSmtpReply(output: unknown): boolean {
  return smtpCodes(output).smtpCode?.startsWith("5") ?? false;
}
