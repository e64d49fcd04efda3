import { ignore, type Mapping } from "@tidings/core";

/**
 * Every value of a Message resource's `Status`, which a status callback carries as `MessageStatus`
 * (and again as the older `SmsStatus`): https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 * and the API's own list (twilio-node src/rest/api/v2010/account/message.ts, `MessageStatus`).
 * Twilio sends no callback for a message's initial status (queued, or with a Messaging Service
 * accepted or scheduled), only for the changes after it
 * (https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks).
 */
export const EVENTS = [
  "accepted",
  "scheduled",
  "canceled",
  "queued",
  "sending",
  "sent",
  "failed",
  "delivered",
  "undelivered",
  "receiving",
  "received",
  "read",
  "partially_delivered",
] as const;
export type TwilioStatus = (typeof EVENTS)[number];

export const MAPPING: Mapping<TwilioStatus> = {
  // A Messaging Service took the API request and is choosing the sender.
  accepted: "accepted",
  // A Messaging Service holds the message until its SendAt time: the provider holding it back on
  // the sender's schedule, which vocabulary.md calls delayed.
  scheduled: "delayed",
  // The sender canceled a scheduled message, so Twilio will never send it. Not a failure and not
  // the receiver's doing: the message ends unsent by the provider, which is dropped.
  canceled: "dropped",
  queued: "queued",
  sending: "sending",
  // "The nearest upstream carrier accepted the message": it left Twilio, nothing is known yet of the handset.
  sent: "sent",
  // Twilio could not send it (queue overflow, account suspended, unregistered sender, opted-out recipient...).
  failed: "failed",
  delivered: "delivered",
  // A carrier's delivery receipt said it was not delivered.
  undelivered: "undelivered",
  receiving: ignore("an inbound message Twilio is still receiving, not the delivery of a message sent"),
  received: ignore("an inbound message received, not the delivery of a message sent"),
  read: ignore("a WhatsApp read receipt: the message was delivered before, and the vocabulary has no status for a read"),
  partially_delivered: ignore(
    "in the Message status list without a documented meaning (twilio-node issue #607); neither delivered nor undelivered can be claimed for the message",
  ),
};
