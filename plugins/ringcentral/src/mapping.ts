import { ignore, type Mapping } from "@tidings/core";

/**
 * RingCentral SMS notifications. Two event filters carry a message record with its
 * `messageStatus`: High Volume SMS message events (`/a2p-sms/messages`, one message per recipient,
 * https://developers.ringcentral.com/guide/notifications/event-filters/batch-messages) and the
 * message store's instant event (`/message-store/instant?type=SMS`, inbound only,
 * https://developers.ringcentral.com/guide/notifications/event-filters/instant-message). The
 * message store event (`/message-store`) only counts changes. Status meanings: "Message
 * Attributes" in https://developers.ringcentral.com/guide/messaging/message-store/messaging.
 */
export const EVENTS = [
  // "the message was queued for sending".
  "Queued",
  // "the message was sent successfully": it left RingCentral, nothing is known about the handset.
  "Sent",
  // "the SMS was successfully delivered to the recipient's handset".
  "Delivered",
  // "the SMS was not delivered to the recipient's handset": the carrier's report.
  "DeliveryFailed",
  // DeliveryFailed with SMS-CAR-104 ("Carrier has not reported delivery status") or SMS-CAR-199
  // ("Carrier reports unknown message status"), which RingCentral calls expected and asks not to
  // classify as non-delivered (https://developers.ringcentral.com/guide/messaging/sms/high-volume/handling-errors).
  "DeliveryFailed:unconfirmed",
  // "the sending attempt has failed": RingCentral or its upstream could not send it.
  "SendingFailed",
  "Received",
  "Inbound",
  "changes",
] as const;
export type RingCentralEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<RingCentralEvent> = {
  Queued: "queued",
  Sent: "sent",
  Delivered: "delivered",
  DeliveryFailed: "undelivered",
  "DeliveryFailed:unconfirmed": "sent",
  SendingFailed: "failed",
  Received: ignore("\"standard status for all inbound messages\": a message to one of the customer's numbers, not the delivery of one they sent"),
  // High Volume SMS reports inbound messages with `direction: Inbound` and status Delivered.
  Inbound: ignore("an inbound message (direction Inbound), not the delivery of one the customer sent"),
  changes: ignore("a message store change summary: counts of new and updated messages, no message status"),
};

/** Carrier codes that say nothing is known about delivery, whatever the status says. */
export const UNCONFIRMED_CODES: ReadonlySet<string> = new Set(["SMS-CAR-104", "SMS-CAR-199"]);
