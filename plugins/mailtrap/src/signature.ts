import { asList, verifyHmac, type InboundRequest, type SecretList, type VerifyResult } from "@tidings/core";

/** Mailtrap's signature header, lower-cased as hosts pass headers. */
export const SIGNATURE_HEADER = "mailtrap-signature";

/**
 * "HMAC-SHA256(signing_secret, raw_request_body)", sent as lowercase hex in `Mailtrap-Signature`
 * (Mailtrap's webhook docs, "Webhook Signature Verification", and every official SDK's
 * `verify_signature`). The body alone is signed, whatever the payload format: there is no signed
 * time, so replays are bounded by `event_id`, not by a window. Any configured secret may match:
 * Mailtrap invalidates the old secret the moment it is reset, so both are configured meanwhile.
 */
export function verifySignature(request: InboundRequest, signingKeys: SecretList): VerifyResult {
  return verifyHmac({
    algorithm: "sha256",
    encoding: "hex",
    keys: asList(signingKeys),
    parts: [request.rawBody],
    presented: request.headers[SIGNATURE_HEADER],
    location: SIGNATURE_HEADER,
  });
}
