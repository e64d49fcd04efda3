import { field, isRecord, verifyHmac, type Decoded, type InboundRequest, type VerifyResult } from "@tidings/core";

/** MailerSend's `Signature` header, lower-cased as hosts pass headers. */
export const SIGNATURE_HEADER = "signature";

/**
 * The fixed, published secret MailerSend signs its `webhook.test` ping with (the request it sends
 * when a webhook is created or edited, and which must succeed for the webhook to be saved).
 */
export const PING_SECRET = "test_Am3L1GuOIc4blLUuHqAPxxwkZaJyEk8G";

const PING_FIELDS: ReadonlySet<string> = new Set(["type", "message", "created_at"]);

/**
 * The ping exactly as MailerSend shapes it: `type` "webhook.test" and at most a text `message`
 * and `created_at`. Anyone can sign it, so nothing else may pass with the ping secret.
 */
export function isPing(body: unknown): boolean {
  return (
    isRecord(body) &&
    field(body, "type") === "webhook.test" &&
    Object.keys(body).every((key) => PING_FIELDS.has(key) && typeof body[key] === "string")
  );
}

/**
 * HMAC-SHA256 of the raw body bytes, hex, keyed with the webhook's signing secret (any of the
 * configured ones, during a rotation). MailerSend writes `/` as `\/` in its JSON, so only the
 * bytes as received verify: re-serialized JSON does not. Fails closed on a missing or malformed
 * header. A body that is nothing but the ping also verifies with the ping secret.
 */
export function verifySignature(request: InboundRequest, keys: readonly string[], body: () => Decoded): VerifyResult {
  const presented = request.headers[SIGNATURE_HEADER];
  const check = (secrets: readonly string[]) =>
    verifyHmac({ algorithm: "sha256", encoding: "hex", keys: secrets, parts: [request.rawBody], presented, location: SIGNATURE_HEADER });
  const verdict = check(keys);
  if (verdict.ok || presented === undefined) return verdict;
  const decoded = body();
  return decoded.ok && isPing(decoded.value) ? check([PING_SECRET]) : verdict;
}
