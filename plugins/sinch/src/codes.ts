export interface DocumentedCode {
  readonly name: string;
  readonly description: string;
}

/**
 * The REST API's own delivery report codes, all in the 4xx range, as the "Delivery report error
 * codes" table names and describes them
 * (https://developers.sinch.com/docs/sms/api-reference/sms/delivery-reports/delivery-report-error-codes;
 * the same text in sinch-sdk-java's `DeliveryReceiptStatusCode`). Other codes are SMPP or MMS
 * codes passed on from the network, reported by number alone: a guessed meaning would mislead.
 */
const CODES: Readonly<Record<string, DocumentedCode>> = {
  "400": { name: "Queued", description: "Message is queued within REST API system and will be dispatched according to the rate of the account." },
  "401": { name: "Dispatched", description: "Message has been dispatched to SMSC." },
  "402": { name: "Message unroutable", description: "SMSC rejected message. Retrying is likely to cause the same error." },
  "403": { name: "Internal error", description: "An unexpected error caused the message to fail." },
  "404": { name: "Temporary delivery failure", description: "Message failed because of temporary delivery failure. Message can be retried." },
  "405": { name: "Unmatched Parameter", description: "One or more parameters in the message body has no mapping for this recipient." },
  "406": { name: "Internal Expiry", description: "Message was expired before reaching SMSC. This may happen if the expiry time for the message was very short." },
  "407": { name: "Cancelled", description: "Message was cancelled by user before reaching SMSC." },
  "408": { name: "Internal Reject", description: "SMSC rejected the message. Retrying is likely to cause the same error." },
  "410": { name: "Unmatched default originator", description: "No default originator exists/configured for this recipient when sending message without originator." },
  "411": { name: "Exceeded parts limit", description: "Message failed as the number of message parts exceeds the defined max number of message parts." },
  "412": { name: "Unprovisioned region", description: "SMSC rejected the message. The account hasn't been provisioned for this region." },
  "413": { name: "Blocked", description: "The account is blocked. Reach out to support for help. Potentially out of credits." },
  "414": { name: "Bad Media", description: "MMS only, the request failed due to a bad media URL. It is possible that the URL was unreachable, or sent a bad response." },
  "415": { name: "Delivery report Rejected", description: "MMS only, message reached MMSC but was rejected by MMS gateway or mobile network." },
  "416": { name: "Delivery report Not Supported", description: "MMS only, message reached MMSC but it is not supported." },
  "417": { name: "Delivery report Unreachable", description: "MMS only, message reached MMSC but the destination network or the mobile subscriber cannot be reached." },
  "418": { name: "Delivery report Unrecognized", description: "MMS only, message reached MMSC but the handset of the mobile subscriber does not recognize the message content." },
};

/** The documented entry for a code (own entries only), or undefined for any other. */
export function documentedCode(code: string): DocumentedCode | undefined {
  return Object.hasOwn(CODES, code) ? CODES[code] : undefined;
}

/** "Internal Expiry": the message ran out of its validity before reaching the SMSC. */
export const INTERNAL_EXPIRY = "406";
