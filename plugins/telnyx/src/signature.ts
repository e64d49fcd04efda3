import { asList, checkTimestamp, unauthorized, verifyAsymmetric, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Header names of Telnyx's signed webhooks (lower-cased, as hosts pass them). */
export const SIGNATURE_HEADER = "telnyx-signature-ed25519";
export const TIMESTAMP_HEADER = "telnyx-timestamp";

/**
 * The official SDK refuses a timestamp more than 300 s from its clock either way (telnyx-node
 * src/lib/webhooks.ts `TelnyxWebhook.verify`), and Telnyx's guide says to reject webhooks whose
 * timestamp is more than 5 minutes old.
 */
export const WINDOW_SECONDS = 300;

/**
 * Ed25519 over `${telnyx-timestamp}|${raw body}`, the signature base64 (telnyx-node
 * src/lib/webhooks.ts). Any configured key may match (rotation). Fails closed on anything missing
 * or malformed; the body is the bytes received, never re-serialized JSON.
 */
export function verifySignature(request: InboundRequest, publicKeys: string | readonly string[], now: Date): VerifyResult {
  const signature = request.headers[SIGNATURE_HEADER];
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (!signature) return unauthorized("the signature header is missing", SIGNATURE_HEADER);
  const stale = checkTimestamp(timestamp, now, { maxAgeSeconds: WINDOW_SECONDS, maxFutureSeconds: WINDOW_SECONDS, location: TIMESTAMP_HEADER });
  if (stale !== undefined) return stale;
  return verifyAsymmetric({
    scheme: "ed25519",
    publicKeys: asList(publicKeys),
    data: [`${timestamp!}|`, request.rawBody],
    signature,
    location: SIGNATURE_HEADER,
  });
}
