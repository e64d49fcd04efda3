import { ignore, type Mapping, type Status } from "@tidings/core";

/**
 * Sinch SMS REST API callbacks (https://developers.sinch.com/docs/sms/api-reference/sms/tag/Webhooks/).
 * A per-recipient delivery report (`recipient_delivery_report_sms`, or `_mms` for MMS sent through
 * the same API) carries one recipient's `status`; the status decides, so the type is refined by it:
 * `recipient_delivery_report_sms:delivered`. The statuses and their descriptions are the "Delivery
 * report statuses" table (https://developers.sinch.com/docs/sms/api-reference/sms/tag/Delivery-reports/),
 * the same list the SDKs type (sinch-sdk-node packages/sms/src/models/v1/enums.ts `DeliveryStatusEnum`).
 */
export const DELIVERY_STATUS = {
  // Intermediate: "queued within REST API system and will be dispatched according to the rate of the account".
  queued: "queued",
  // Intermediate: "dispatched and accepted for delivery by the SMSC": it left Sinch, nothing is known of the handset.
  dispatched: "sent",
  // "Aborted before reaching the SMSC" (codes 402-413: unroutable, internal error, unprovisioned
  // region, blocked account...): Sinch could not send it, its own or the sender's error.
  aborted: "failed",
  // "Cancelled by user before reaching SMSC": the sender stopped it and Sinch never sent it. The
  // same event as Twilio's `canceled`, which plugins/twilio maps to dropped.
  cancelled: "dropped",
  // "Rejected by the SMSC": the network side refused it after Sinch dispatched it, which is the
  // vocabulary's SMS undelivered (rejected is the provider refusing the send request itself,
  // which Sinch does synchronously, in the answer to the send call).
  rejected: "undelivered",
  // "Deleted by a remote SMSC. This may happen if the destination is an invalid MSISDN or opted out subscriber."
  deleted: "undelivered",
  delivered: "delivered",
  // Final, after dispatch: "Message failed to be delivered" (failures before the SMSC are Aborted).
  failed: "undelivered",
  // "Expired before delivery to the SMSC. This may happen if the expiry time for the message was
  // very short": it never left Sinch, within the validity the sender gave it.
  expired: "failed",
  // "Delivered to the SMSC but no Delivery Receipt has been received or a Delivery Receipt that
  // couldn't be interpreted was received": it left Sinch, nothing more is known.
  unknown: "sent",
} as const satisfies Record<string, Status>;
export type DeliveryStatus = keyof typeof DELIVERY_STATUS;
export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS) as DeliveryStatus[];

/** Report types about one recipient: one status, the time Sinch created the report. */
export const RECIPIENT_REPORT_TYPES = ["recipient_delivery_report_sms", "recipient_delivery_report_mms"] as const;
type RecipientReportType = (typeof RECIPIENT_REPORT_TYPES)[number];

/** A batch's summary (`delivery_report: "summary"` or `"full"`): counts per status, no time. */
export const BATCH_REPORT_TYPES = ["delivery_report_sms", "delivery_report_mms"] as const;
/** Inbound messages, which Sinch posts to the inbound callback URL in the same envelope. */
export const INBOUND_TYPES = ["mo_text", "mo_binary", "mo_media"] as const;

export type SinchEvent = `${RecipientReportType}:${DeliveryStatus}` | (typeof BATCH_REPORT_TYPES)[number] | (typeof INBOUND_TYPES)[number];

export const EVENTS: readonly SinchEvent[] = [
  ...RECIPIENT_REPORT_TYPES.flatMap((type) => DELIVERY_STATUSES.map((status) => `${type}:${status}` as const)),
  ...BATCH_REPORT_TYPES,
  ...INBOUND_TYPES,
];

const BATCH_SUMMARY = ignore(
  "a batch summary: how many of the batch's messages reached each status, with no event time; send batches with " +
    'delivery_report "per_recipient" or "per_recipient_final" for one report per recipient, dated by Sinch',
);
const INBOUND = ignore("an inbound message to one of the customer's numbers, not the delivery of one they sent");

export const MAPPING: Mapping<SinchEvent> = {
  ...byStatus("recipient_delivery_report_sms"),
  ...byStatus("recipient_delivery_report_mms"),
  delivery_report_sms: BATCH_SUMMARY,
  delivery_report_mms: BATCH_SUMMARY,
  mo_text: INBOUND,
  mo_binary: INBOUND,
  mo_media: INBOUND,
};

function byStatus<T extends RecipientReportType>(type: T): Record<`${T}:${DeliveryStatus}`, Status> {
  return Object.fromEntries(DELIVERY_STATUSES.map((status) => [`${type}:${status}`, DELIVERY_STATUS[status]])) as Record<`${T}:${DeliveryStatus}`, Status>;
}
