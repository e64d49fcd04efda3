import { ignore, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Two webhook shapes, one plugin. Their status values overlap (`delivered`, `rejected`) with
 * different meanings, so each name carries its API:
 *
 * - `messages:<status>`: Messages API message-status webhooks, JSON with `message_uuid`
 *   (https://developer.vonage.com/en/api/messages, "Message Status"; the status enum of
 *   `messageStatusBase` plus `read` for WhatsApp, Viber, Messenger, RCS and email).
 * - `dlr:<status>`: SMS API delivery receipts with `messageId`
 *   (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts, "DLR status messages").
 */
export const EVENTS = [
  "messages:submitted",
  "messages:delivered",
  "messages:rejected",
  "messages:undeliverable",
  "messages:read",
  "dlr:accepted",
  "dlr:buffered",
  "dlr:delivered",
  "dlr:expired",
  "dlr:failed",
  "dlr:rejected",
  "dlr:unknown",
] as const;
export type VonageEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<VonageEvent> = {
  // "Messages API has passed a message on to a messaging provider": it left Vonage.
  "messages:submitted": "sent",
  "messages:delivered": "delivered",
  // Vonage could not process the message, the provider refused it, or its TTL ran out; the error
  // object says which. Vonage's own name and first reason (invalid parameters, unsupported media).
  "messages:rejected": "rejected",
  // "Messages API was unable to connect to the messaging provider": Vonage could not send it.
  "messages:undeliverable": "failed",
  "messages:read": ignore("a chat app's read receipt after delivery; the vocabulary has no read status (opened is for email)"),
  // "Accepted for delivery, but has not yet been delivered": the carrier has it (the Messages API
  // reports this receipt as `submitted`).
  "dlr:accepted": "sent",
  // "Buffered for later delivery": Vonage does not say by whom; an SMSC buffers an SMS while the
  // handset is unreachable, so it is read as the receiving side's temporary failure.
  "dlr:buffered": "deferred",
  "dlr:delivered": "delivered",
  // "Held at downstream carrier's retry scheme and could not be delivered within the expiry time".
  "dlr:expired": "undelivered",
  // "Message not delivered", as the carrier reported it.
  "dlr:failed": "undelivered",
  // "Downstream carrier refuses to deliver message": the carrier's verdict, not Vonage's.
  "dlr:rejected": "undelivered",
  // "No useful information available" and a non-zero err-code: final, and not delivered. The
  // Messages API reports the same receipt as `rejected` (error 1330).
  "dlr:unknown": "undelivered",
};

/** A DLR `err-code`: the documented meaning, and why it was not delivered for suppression lists. */
export interface DlrError {
  readonly meaning: string;
  readonly reason: RejectReason;
}

/** The DLR error codes (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts#dlr-error-codes). */
export const DLR_ERRORS: ReadonlyMap<string, DlrError> = new Map([
  ["1", { meaning: "Unknown", reason: "other" }],
  ["2", { meaning: "Absent Subscriber - Temporary", reason: "other" }],
  // "The number is no longer active and should be removed from your database".
  ["3", { meaning: "Absent Subscriber - Permanent", reason: "invalid" }],
  ["4", { meaning: "Call Barred by User", reason: "blocked" }],
  ["5", { meaning: "Portability Error", reason: "other" }],
  ["6", { meaning: "Anti-Spam Rejection", reason: "spam" }],
  ["7", { meaning: "Handset Busy", reason: "other" }],
  ["8", { meaning: "Network Error", reason: "other" }],
  // "The user has specifically requested not to receive messages from a specific service".
  ["9", { meaning: "Illegal Number", reason: "unsubscribed" }],
  ["10", { meaning: "Illegal Message", reason: "other" }],
  ["11", { meaning: "Unroutable", reason: "other" }],
  // "A route to the number cannot be found - confirm the recipient's number".
  ["12", { meaning: "Destination Unreachable", reason: "invalid" }],
  ["13", { meaning: "Subscriber Age Restriction", reason: "blocked" }],
  ["14", { meaning: "Number Blocked by Carrier", reason: "blocked" }],
  ["15", { meaning: "Prepaid Insufficient Funds", reason: "other" }],
  ["99", { meaning: "General Error", reason: "other" }],
]);
