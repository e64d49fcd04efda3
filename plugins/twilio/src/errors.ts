import type { RejectReason } from "@tidings/core";

interface KnownError {
  /** The error's title in Twilio's error dictionary (https://www.twilio.com/docs/api/errors/<code>). */
  readonly title: string;
  /** What a suppression list should make of it, where the error says so. */
  readonly rejectReason?: RejectReason;
}

/**
 * The error codes failed and undelivered messages most often carry. Any other code is reported
 * as the code alone: Twilio adds codes, and a guess would be worse than none.
 */
const KNOWN_ERRORS: Readonly<Record<string, KnownError>> = {
  "21610": { title: "Attempt to send to unsubscribed recipient", rejectReason: "unsubscribed" },
  "30001": { title: "Queue overflow" },
  "30002": { title: "Account suspended" },
  "30003": { title: "Unreachable destination handset" },
  "30004": { title: "Message blocked", rejectReason: "blocked" },
  "30005": { title: "Unknown destination handset", rejectReason: "invalid" },
  "30006": { title: "Landline or unreachable carrier", rejectReason: "invalid" },
  "30007": { title: "Message filtered", rejectReason: "blocked" },
  "30008": { title: "Unknown error" },
  "30009": { title: "Missing segment" },
  "30010": { title: "Message price exceeds max price" },
  "30032": { title: "Toll-Free Number Has Not Been Verified" },
  "30034": { title: "US A2P 10DLC - Message from an Unregistered Number" },
};

/** The dictionary entry of an error code, or undefined for codes not in the table (and for `__proto__`). */
export function knownError(code: string): KnownError | undefined {
  return Object.hasOwn(KNOWN_ERRORS, code) ? KNOWN_ERRORS[code] : undefined;
}
