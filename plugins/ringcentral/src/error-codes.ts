import type { RejectReason } from "@tidings/core";

/**
 * RingCentral's SMS error codes: a prefix for the reporting party (`SMS-RC-` RingCentral,
 * `SMS-UP-` the upstream sending carrier, `SMS-CAR-` the recipient's carrier) and an HTTP-like
 * number. Descriptions as RingCentral words them in "Error Code List",
 * https://developers.ringcentral.com/guide/messaging/sms/high-volume/handling-errors; the reject
 * reason is what a suppression list can act on, given only where the description says it.
 */
export const ERROR_CODES: Readonly<Record<string, { readonly description: string; readonly rejectReason?: RejectReason }>> = {
  "SMS-UP-410": { description: "Destination number is invalid, unallocated, or does not support this kind of messaging.", rejectReason: "invalid" },
  "SMS-UP-430": { description: "This message has been filtered and blocked by a upstream carrier for spam.", rejectReason: "spam" },
  "SMS-UP-431": { description: "From number is blacklisted due to spam or other violations.", rejectReason: "blocked" },
  "SMS-UP-500": { description: "General upstream error. Upstream is malfunctioning." },
  "SMS-CAR-104": { description: "Carrier has not reported delivery status." },
  "SMS-CAR-199": { description: "Carrier reports unknown message status." },
  "SMS-CAR-400": { description: "Carrier does not support this kind of messaging.", rejectReason: "invalid" },
  "SMS-CAR-411": { description: "Destination number invalid, unallocated, or does not support this kind of messaging.", rejectReason: "invalid" },
  "SMS-CAR-412": { description: "Destination subscriber unavailable." },
  "SMS-CAR-413": { description: "Destination subscriber opted out.", rejectReason: "unsubscribed" },
  "SMS-CAR-430": { description: "This message has been filtered and blocked by a recipient's carrier for spam.", rejectReason: "spam" },
  "SMS-CAR-431": { description: "Message rejected by carrier with no specific reason.", rejectReason: "other" },
  "SMS-CAR-432": { description: "Message too long." },
  "SMS-CAR-433": { description: "Message is malformed for the carrier." },
  "SMS-CAR-450": { description: "P2P messaging volume violation.", rejectReason: "blocked" },
  "SMS-CAR-460": { description: "Destination rejected short code messaging.", rejectReason: "blocked" },
  "SMS-CAR-500": { description: "Carrier reports general service failure." },
  "SMS-RC-410": { description: "Destination number unsupported.", rejectReason: "invalid" },
  "SMS-RC-413": { description: "Destination subscriber opted out.", rejectReason: "unsubscribed" },
  "SMS-RC-430": { description: "This message has been filtered and blocked by a RingCentral's message filtering system for spam.", rejectReason: "spam" },
  "SMS-RC-500": { description: "General/Unknown internal RC error." },
  "SMS-RC-501": { description: "RingCentral is sending an invalid upstream API call." },
  "SMS-RC-503": { description: "RingCentral provisioning error. Phone number is incorrectly provisioned by RingCentral in upstream." },
};

export function errorCodeInfo(code: string | undefined): { readonly description: string; readonly rejectReason?: RejectReason } | undefined {
  return code !== undefined && Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code] : undefined;
}
