import { ignore, type Mapping, type Status } from "@tidings/core";

/**
 * Telnyx messaging webhooks, API v2 (https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks).
 * An outbound message's events (`message.sent`, `message.finalized`) carry one `to[]` entry per
 * recipient, each with its own `status`; the status decides, so each event type is refined by it:
 * `message.finalized:delivered`. The official SDK types both event types with the same payload
 * and the same status list (telnyx-node src/resources/webhooks.ts `OutboundMessage`,
 * src/resources/messages/messages.ts `OutboundMessagePayload.To.status`), so every pair is listed.
 */
export const RECIPIENT_STATUS = {
  // "Message is queued on Telnyx's side".
  queued: "queued",
  // "Message is being sent to an upstream carrier".
  sending: "sending",
  // "Message has been sent to the upstream carrier".
  sent: "sent",
  // "Carrier has confirmed delivery to the recipient".
  delivered: "delivered",
  // "Telnyx failed to send the message to the carrier": the provider could not send it.
  sending_failed: "failed",
  // "The carrier failed to deliver the message to the recipient": the vocabulary's SMS undelivered.
  delivery_failed: "undelivered",
  // "No delivery confirmation was received from the carrier": it left Telnyx, nothing more is known.
  delivery_unconfirmed: "sent",
  // In the SDK's list only. Telnyx files its error 40005 "Message expired" ("Message TTL expired
  // before delivery") under carrier rejections; a message that expires in Telnyx's own queue is
  // `sending_failed` (the SDK's `valid_until`). So: the carrier could not deliver it in time.
  expired: "undelivered",
  // Group MMS: "Handset delivery confirmation is not available for non-Telnyx recipients — their
  // status will show as unknown" (https://developers.telnyx.com/docs/messaging/messages/group-messaging).
  unknown: "sent",
} as const satisfies Record<string, Status>;
export type RecipientStatus = keyof typeof RECIPIENT_STATUS;
export const RECIPIENT_STATUSES = Object.keys(RECIPIENT_STATUS) as RecipientStatus[];

/** Event types about a message the customer sent: one result per recipient. */
export const OUTBOUND_TYPES = ["message.sent", "message.finalized"] as const;
type OutboundType = (typeof OUTBOUND_TYPES)[number];

/** RCS read receipts (https://developers.telnyx.com/docs/messaging/messages/receiving-rcs-webhooks). */
export const READ_RECEIPT = "message.read";

export type TelnyxEvent = `${OutboundType}:${RecipientStatus}` | `${typeof READ_RECEIPT}:read` | "message.received";

export const EVENTS: readonly TelnyxEvent[] = [
  ...OUTBOUND_TYPES.flatMap((type) => RECIPIENT_STATUSES.map((status) => `${type}:${status}` as const)),
  "message.read:read",
  "message.received",
];

export const MAPPING: Mapping<TelnyxEvent> = {
  ...byRecipientStatus("message.sent"),
  ...byRecipientStatus("message.finalized"),
  // "Recipient read the message on their device" (RCS only).
  "message.read:read": "opened",
  "message.received": ignore("an inbound message to one of the customer's numbers, not the delivery of one they sent"),
};

function byRecipientStatus<T extends OutboundType>(type: T): Record<`${T}:${RecipientStatus}`, Status> {
  return Object.fromEntries(RECIPIENT_STATUSES.map((status) => [`${type}:${status}`, RECIPIENT_STATUS[status]])) as Record<`${T}:${RecipientStatus}`, Status>;
}
