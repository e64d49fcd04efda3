import { asList, checkTimestamp, unauthorized, verifyAsymmetric, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Header names of SendGrid's signed Event Webhook (lower-cased, as hosts pass them). */
export const SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
export const TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";

/** Retries may carry the original timestamp, so the default window is SendGrid's 24 h retry period. */
export const DEFAULT_MAX_AGE_SECONDS = 24 * 60 * 60;

/**
 * ECDSA P-256/SHA-256 over the timestamp header text followed by the raw body bytes, exactly as
 * received: re-serialized JSON would not verify. Any of the configured keys may match (rotation).
 * Fails closed on anything missing or malformed.
 */
export function verifySignature(request: InboundRequest, publicKeys: string | readonly string[], now: Date, maxAgeSeconds: number): VerifyResult {
  const signature = request.headers[SIGNATURE_HEADER];
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (!signature) return unauthorized("the signature header is missing", SIGNATURE_HEADER);
  const stale = checkTimestamp(timestamp, now, { maxAgeSeconds, location: TIMESTAMP_HEADER });
  if (stale !== undefined) return stale;
  return verifyAsymmetric({
    scheme: "ecdsa-p256-sha256",
    publicKeys: asList(publicKeys),
    data: [timestamp!, request.rawBody],
    signature,
    location: SIGNATURE_HEADER,
  });
}
