import { ignore, type Mapping } from "@tidings/core";

/**
 * Every `Status` a Plivo message status callback carries
 * (https://www.plivo.com/docs/messaging/api/message/message-status-callbacks: queued, sent, failed,
 * delivered, undelivered, read for WhatsApp), `rejected`, which the earlier version of that page
 * and Plivo's support article "What happens to my SMS message after I send it?" list, and
 * `received`, an inbound message's status (https://www.plivo.com/docs/messaging/api/messages).
 */
export const EVENTS = ["queued", "sent", "failed", "delivered", "undelivered", "rejected", "read", "received"] as const;
export type PlivoStatus = (typeof EVENTS)[number];

export const MAPPING: Mapping<PlivoStatus> = {
  // "Plivo accepted the message from a user and will make an attempt to send the message to a carrier."
  queued: "queued",
  // "The message is successfully passed on to a downstream carrier": nothing is known yet of the handset.
  sent: "sent",
  // "An internal error occurs before the message is passed on to downstream carriers": Plivo could not send it.
  failed: "failed",
  delivered: "delivered",
  // The carrier's delivery receipt says it was not delivered.
  undelivered: "undelivered",
  // "The carrier rejected the message due to some regulations": the receiving side refused it on policy.
  rejected: "blocked",
  read: ignore("a WhatsApp read receipt for a message already delivered: not a delivery outcome"),
  received: ignore("an inbound message received on a Plivo number, not the status of a message sent"),
};
