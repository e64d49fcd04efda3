import { ignore, type Mapping } from "@tidings/core";

/**
 * Postal's webhook events: the ones its webhook form offers (app/models/webhook_event.rb,
 * documented at https://docs.postalserver.io/developer/webhooks) and the two send-limit events
 * app/models/server.rb sends to webhooks that take all events. Message status events are refined
 * (src/names.ts) by what the payload says about the message:
 *
 * - `:incoming`: a message Postal received for one of the server's routes, not one it sent;
 * - `MessageDeliveryFailed:smtp`: the receiving server refused the message with a 5xx reply
 *   (Postal's "Permanent SMTP delivery error"); without one, Postal itself gave up;
 * - `MessageHeld:suppressed`: held because the recipient is on the server's suppression list.
 */
export const EVENTS = [
  "MessageSent",
  "MessageDelayed",
  "MessageDeliveryFailed",
  "MessageDeliveryFailed:smtp",
  "MessageHeld",
  "MessageHeld:suppressed",
  "MessageBounced",
  "MessageLinkClicked",
  "MessageLoaded",
  "MessageSent:incoming",
  "MessageDelayed:incoming",
  "MessageDeliveryFailed:incoming",
  "MessageHeld:incoming",
  "DomainDNSError",
  "SendLimitApproaching",
  "SendLimitExceeded",
] as const;
export type PostalEvent = (typeof EVENTS)[number];

const INCOMING = "a message Postal received for one of the server's routes, not one it sent";

export const MAPPING: Mapping<PostalEvent> = {
  MessageSent: "delivered",
  // Postal's SoftFail: a 4xx reply or no reachable server; Postal retries it later.
  MessageDelayed: "deferred",
  // Postal's own HardFail with no receiving server's refusal: retries exhausted, the outbound spam
  // threshold, a deleted domain or raw message.
  MessageDeliveryFailed: "failed",
  "MessageDeliveryFailed:smtp": "bounced",
  // Postal holds the message back (development mode, a credential set to hold, the send limit)
  // until someone releases it in the web interface.
  MessageHeld: "delayed",
  // Postal keeps the message instead of sending it to an address it has suppressed.
  "MessageHeld:suppressed": "dropped",
  // A bounce message (non-delivery report) arrived for a message the receiver had accepted.
  MessageBounced: "bounced",
  MessageLinkClicked: "clicked",
  MessageLoaded: "opened",
  "MessageSent:incoming": ignore(INCOMING),
  "MessageDelayed:incoming": ignore(INCOMING),
  "MessageDeliveryFailed:incoming": ignore(INCOMING),
  "MessageHeld:incoming": ignore(INCOMING),
  DomainDNSError: ignore("about a domain's SPF, DKIM, MX or return-path records, not about a message"),
  SendLimitApproaching: ignore("about the mail server's send limit, not about a message"),
  // The messages it holds back arrive as MessageHeld events of their own.
  SendLimitExceeded: ignore("about the mail server's send limit, not about a message"),
};

/**
 * The events lib/postal/message_db/delivery.rb sends for a delivery attempt (`status` Sent,
 * SoftFail, HardFail, Held), for messages in both directions.
 */
export const MESSAGE_STATUS_EVENTS = ["MessageSent", "MessageDelayed", "MessageDeliveryFailed", "MessageHeld"] as const;
export type MessageStatusEvent = (typeof MESSAGE_STATUS_EVENTS)[number];
