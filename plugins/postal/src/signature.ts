import { unauthorized, verifyAsymmetric, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Header names of Postal's signed requests (lib/postal/http.rb), lower-cased as hosts pass them. */
export const SIGNATURE_HEADER = "x-postal-signature";
export const SIGNATURE_256_HEADER = "x-postal-signature-256";

/**
 * Postal signs the raw body with its RSA signing key, PKCS#1 v1.5, base64: SHA-1 in
 * `X-Postal-Signature` (every version) and, since Postal 3, SHA-256 in `X-Postal-Signature-256`
 * too. When the SHA-256 header is present it alone decides: a body Postal signed verifies under
 * both, so a failing SHA-256 signature beside a passing SHA-1 one is a forgery, not an old Postal.
 * Without it, the SHA-1 signature must verify; without either, the request fails.
 */
export function verifySignature(request: InboundRequest, publicKeys: readonly string[]): VerifyResult {
  const sha256 = request.headers[SIGNATURE_256_HEADER];
  if (sha256 !== undefined) {
    return verifyAsymmetric({ scheme: "rsa-sha256", publicKeys, data: [request.rawBody], signature: sha256, location: SIGNATURE_256_HEADER });
  }
  const sha1 = request.headers[SIGNATURE_HEADER];
  if (sha1 === undefined) return unauthorized("neither X-Postal-Signature-256 nor X-Postal-Signature is present", SIGNATURE_HEADER);
  return verifyAsymmetric({ scheme: "rsa-sha1", publicKeys, data: [request.rawBody], signature: sha1, location: SIGNATURE_HEADER });
}
