import { ignore, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Every status of Termii's "Status of messages sent" table
 * (https://developer.termii.com/events-and-reports), lower-cased: Termii writes them in several
 * cases (`DELIVERED | Message delivered to handset` in the payload example, `Delivered` in the
 * table). `device_status` is the page's other event, the WhatsApp device offline notification,
 * named by its `type` because its `status` describes a device, not a message.
 */
export const EVENTS = [
  "delivered",
  "message sent",
  "message failed",
  "dnd active on phone number",
  "rejected",
  "expired",
  "received",
  "device_status",
] as const;
export type TermiiEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<TermiiEvent> = {
  // "The message has been delivered to the recipient phone number."
  delivered: "delivered",
  // "The first state of every message triggered on Termii ... sent to the telecom providers, but we
  // are yet to get the delivery report."
  "message sent": "sent",
  // "The message failed due to poor network from the recipient's end": the network's report, after
  // Termii handed the message over, so not Termii failing to send it.
  "message failed": "undelivered",
  // Do-not-disturb is enforced by the recipient's network, after Termii sent (and charged for) the
  // message: Termii's History example lists this status with `amount: 1`.
  "dnd active on phone number": "undelivered",
  // Termii documents it with the same meaning as the status above ("do-not-disturb is active on
  // the recipient phone number"), not as Termii refusing the send request.
  rejected: "undelivered",
  // "The recipient's device may have been switched off or out of signal for a long period of time,
  // and the networks' validity of the message has expired."
  expired: "undelivered",
  received: ignore("an inbound message Termii received, not the status of a message sent"),
  device_status: ignore("a WhatsApp device's connection status, not the status of a message"),
};

/**
 * Why a message was not delivered, where Termii's status says it. A do-not-disturb refusal is the
 * network's policy block (Termii's `dnd` route exists to pass it), not the recipient unsubscribing
 * from this sender.
 */
export const REJECT_REASONS: ReadonlyMap<string, RejectReason> = new Map<TermiiEvent, RejectReason>([
  ["dnd active on phone number", "blocked"],
  ["rejected", "blocked"],
  ["expired", "timed_out"],
]);
