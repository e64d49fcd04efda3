import type { Mapping, RejectReason } from "@tidings/core";

/**
 * Infobip's general status codes, the `status.name` of an SMS delivery report, by status group
 * (https://www.infobip.com/docs/essentials/api-essentials/response-status-and-error-codes). Voice,
 * MMS, email and push statuses are left out: an SMS report does not carry them.
 */
export const STATUS_NAMES = {
  PENDING: ["PENDING_ACCEPTED", "PENDING_ENROUTE", "PENDING_WAITING_DELIVERY"],
  UNDELIVERABLE: ["UNDELIVERABLE_REJECTED_OPERATOR", "UNDELIVERABLE_NOT_DELIVERED", "UNDELIVERABLE_NOT_SENT"],
  DELIVERED: ["DELIVERED_TO_OPERATOR", "DELIVERED_TO_HANDSET"],
  EXPIRED: ["EXPIRED_EXPIRED", "EXPIRED_DLR_UNKNOWN"],
  REJECTED: [
    "REJECTED_NETWORK",
    "REJECTED_PREFIX_MISSING",
    "REJECTED_DND",
    "REJECTED_SOURCE",
    "REJECTED_NOT_ENOUGH_CREDITS",
    "REJECTED_SENDER",
    "REJECTED_DESTINATION_BLOCKLISTED",
    "REJECTED_PREPAID_PACKAGE_EXPIRED",
    "REJECTED_DESTINATION_NOT_REGISTERED",
    "REJECTED_ROUTE_NOT_AVAILABLE",
    "REJECTED_FLOODING_FILTER",
    "REJECTED_SYSTEM_ERROR",
    "REJECTED_DUPLICATE_MESSAGE_ID",
    "REJECTED_INVALID_UDH",
    "REJECTED_MESSAGE_TOO_LONG",
    "MISSING_TO",
    "REJECTED_DESTINATION",
    "SIGNALS_BLOCKED",
    "UNDELIVERABLE_REJECTED_PLATFORM",
  ],
} as const;

/**
 * The status groups (`status.groupName`): the five of the status code page, and ACCEPTED, which
 * Infobip's SDKs list among the general statuses (MessageGeneralStatus). A report whose status
 * name is not documented is named by its group, so a status Infobip adds later still gets the
 * meaning its group gives it.
 */
export const STATUS_GROUPS = ["ACCEPTED", "PENDING", "UNDELIVERABLE", "DELIVERED", "EXPIRED", "REJECTED"] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

export const EVENTS = [...STATUS_GROUPS, ...Object.values(STATUS_NAMES).flat()] as const;
export type InfobipEvent = StatusGroup | (typeof STATUS_NAMES)[keyof typeof STATUS_NAMES][number];

export const MAPPING: Mapping<InfobipEvent> = {
  ACCEPTED: "accepted",
  // "Intermediate. Message is in flight. A final status follows." Its members range from accepted to
  // handed to the operator; handing over is what every one of them is at least doing.
  PENDING: "sending",
  // The status Infobip's send response carries: the request is accepted, nothing has left yet.
  PENDING_ACCEPTED: "accepted",
  // Forwarded to the operator, no acknowledgement from it yet.
  PENDING_ENROUTE: "sending",
  // "Successfully sent from our platform to the operator's end", awaiting the operator's report.
  PENDING_WAITING_DELIVERY: "sent",
  UNDELIVERABLE: "undelivered",
  UNDELIVERABLE_REJECTED_OPERATOR: "undelivered",
  UNDELIVERABLE_NOT_DELIVERED: "undelivered",
  // "The message has not been sent": it never reached a carrier, so no carrier reported anything.
  UNDELIVERABLE_NOT_SENT: "failed",
  DELIVERED: "delivered",
  // Intermediate (Infobip's message status codes page): reached the operator, not yet the handset.
  DELIVERED_TO_OPERATOR: "sent",
  DELIVERED_TO_HANDSET: "delivered",
  // The message reached the operator and was never confirmed delivered within its validity period:
  // a final non-delivery on the carrier's side, not a failure to send.
  EXPIRED: "undelivered",
  EXPIRED_EXPIRED: "undelivered",
  // Expired with an operator report Infobip could not read; Infobip counts it as not delivered.
  EXPIRED_DLR_UNKNOWN: "undelivered",
  // "Rejected by Infobip or the operator before it could be sent."
  REJECTED: "rejected",
  REJECTED_NETWORK: "rejected",
  REJECTED_PREFIX_MISSING: "rejected",
  REJECTED_DND: "rejected",
  REJECTED_SOURCE: "rejected",
  REJECTED_NOT_ENOUGH_CREDITS: "rejected",
  REJECTED_SENDER: "rejected",
  REJECTED_DESTINATION_BLOCKLISTED: "rejected",
  REJECTED_PREPAID_PACKAGE_EXPIRED: "rejected",
  REJECTED_DESTINATION_NOT_REGISTERED: "rejected",
  REJECTED_ROUTE_NOT_AVAILABLE: "rejected",
  REJECTED_FLOODING_FILTER: "rejected",
  REJECTED_SYSTEM_ERROR: "rejected",
  REJECTED_DUPLICATE_MESSAGE_ID: "rejected",
  REJECTED_INVALID_UDH: "rejected",
  REJECTED_MESSAGE_TOO_LONG: "rejected",
  MISSING_TO: "rejected",
  REJECTED_DESTINATION: "rejected",
  // Infobip's anti-fraud mechanism refused the message.
  SIGNALS_BLOCKED: "rejected",
  // The request was invalid or malformed, or the service unavailable; documented in the REJECTED group.
  UNDELIVERABLE_REJECTED_PLATFORM: "rejected",
};

/** Why a message was not delivered, where the status says it in a way a suppression list can use. */
export const REJECT_REASONS: Partial<Record<InfobipEvent, RejectReason>> = {
  EXPIRED: "timed_out",
  EXPIRED_EXPIRED: "timed_out",
  EXPIRED_DLR_UNKNOWN: "timed_out",
  REJECTED: "other",
  REJECTED_NETWORK: "other",
  // The number is not recognised: wrong prefix or length.
  REJECTED_PREFIX_MISSING: "invalid",
  // The recipient subscribed to Do Not Disturb, refusing service traffic.
  REJECTED_DND: "unsubscribed",
  REJECTED_SOURCE: "other",
  REJECTED_NOT_ENOUGH_CREDITS: "other",
  REJECTED_SENDER: "blocked",
  REJECTED_DESTINATION_BLOCKLISTED: "blocked",
  REJECTED_PREPAID_PACKAGE_EXPIRED: "other",
  REJECTED_DESTINATION_NOT_REGISTERED: "other",
  REJECTED_ROUTE_NOT_AVAILABLE: "other",
  REJECTED_FLOODING_FILTER: "blocked",
  REJECTED_SYSTEM_ERROR: "other",
  REJECTED_DUPLICATE_MESSAGE_ID: "other",
  REJECTED_INVALID_UDH: "other",
  REJECTED_MESSAGE_TOO_LONG: "other",
  MISSING_TO: "invalid",
  // "The destination is invalid": the prefix matches no mobile operator.
  REJECTED_DESTINATION: "invalid",
  SIGNALS_BLOCKED: "blocked",
  UNDELIVERABLE_REJECTED_PLATFORM: "other",
};
