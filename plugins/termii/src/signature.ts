import { verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Termii's `X-Termii-Signature`, lower-cased as hosts pass headers. */
export const SIGNATURE_HEADER = "x-termii-signature";

/**
 * "A HMAC SHA512 signature of the event payload signed with your secret key"
 * (https://developer.termii.com/events-and-reports): keyed with the account's secret key (any of
 * the configured ones, during a rotation), over the body bytes exactly as received. Termii does
 * not say how the digest is written; it is read as hex (either case), as every Termii integration
 * we found computes it. Termii signs no time, so there is no replay window to check.
 */
export function verifySignature(request: InboundRequest, keys: readonly string[]): VerifyResult {
  return verifyHmac({
    algorithm: "sha512",
    encoding: "hex",
    keys,
    parts: [request.rawBody],
    presented: request.headers[SIGNATURE_HEADER],
    location: SIGNATURE_HEADER,
  });
}
