import { checkTimestamp, unauthorized, verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Header names of Sinch's signed callbacks (lower-cased, as hosts pass them). */
export const SIGNATURE_HEADER = "x-sinch-webhook-signature";
export const TIMESTAMP_HEADER = "x-sinch-webhook-signature-timestamp";
export const NONCE_HEADER = "x-sinch-webhook-signature-nonce";
export const ALGORITHM_HEADER = "x-sinch-webhook-signature-algorithm";

/** "For now it's set to HmacSHA256" (https://developers.sinch.com/docs/conversation/callbacks/), compared case-insensitively. */
const ALGORITHM = "hmacsha256";

/**
 * Sinch asks receivers to keep the timestamp "within an acceptable time window" without sizing
 * it, and retries a callback for up to 81,920 s (22 h 45 min) after the first failed attempt
 * (SMS Webhooks page). Nothing says whether a retry is signed afresh, so the window covers the
 * whole retry schedule: a refused retry is answered 401, which Sinch does not retry, and the
 * report would be lost. A replay inside the window carries the same report and gets the same
 * result ids, so it is deduplicated rather than counted twice.
 */
export const WINDOW_SECONDS = 24 * 60 * 60;

/**
 * HMAC-SHA256, keyed with the callback secret's UTF-8 bytes, over the raw body, ".", the nonce,
 * ".", the timestamp (epoch seconds), written in base64: Sinch's "raw callback body || . || nonce
 * || . || timestamp", as every official SDK computes it (sinch-sdk-node
 * packages/sdk-client/src/utils/authorization.helper.ts `validateWebhookSignature`, sinch-sdk-java
 * `HmacAuthenticationValidation`, sinch-sdk-python `validate_sinch_event_signature_with_nonce`).
 * The URL is not signed, so a rewriting proxy does not break it. All four headers are required:
 * Sinch sends them together, and an algorithm other than HmacSHA256 cannot be checked.
 */
export function verifySignature(request: InboundRequest, keys: readonly string[], now: Date): VerifyResult {
  const algorithm = request.headers[ALGORITHM_HEADER];
  if (!algorithm) return unauthorized("the signature algorithm header is missing", ALGORITHM_HEADER);
  if (algorithm.trim().toLowerCase() !== ALGORITHM) return unauthorized("the signature algorithm is not HmacSHA256, the only one Sinch uses", ALGORITHM_HEADER);
  const nonce = request.headers[NONCE_HEADER];
  if (!nonce) return unauthorized("the signature nonce is missing", NONCE_HEADER);
  const timestamp = request.headers[TIMESTAMP_HEADER];
  const stale = checkTimestamp(timestamp, now, { maxAgeSeconds: WINDOW_SECONDS, location: TIMESTAMP_HEADER });
  if (stale !== undefined) return stale;
  return verifyHmac({
    algorithm: "sha256",
    encoding: "base64",
    keys,
    parts: [request.rawBody, `.${nonce}.${timestamp!}`],
    presented: request.headers[SIGNATURE_HEADER],
    location: SIGNATURE_HEADER,
  });
}
