import { createHash } from "node:crypto";
import { checkTimestamp, constantTimeEqual, field, isRecord, unauthorized, verifyHmac, type InboundRequest, type VerifyResult } from "@tidings/core";

/**
 * Messages API webhooks carry `Authorization: Bearer <JWT>`, HS256 with the account's signature
 * secret, whose `payload_hash` claim is the SHA-256 (hex) of the body and `iat` its issue time
 * (https://developer.vonage.com/en/getting-started/concepts/webhooks#validating-signed-webhooks).
 * Only HS256 is accepted: a token naming any other algorithm, `none` included, is refused before
 * anything else is read, and no JWT library decides the algorithm for us.
 */
export const JWT_LOCATION = "authorization";

/**
 * Vonage retries a webhook answered with 429 or 5xx for 24 hours; whether a retry is signed afresh
 * is not documented, so a token is accepted for that long (a replay is the same event, and gets
 * the same result id).
 */
export const JWT_MAX_AGE_SECONDS = 24 * 60 * 60;

/** A header this long is no Vonage token; refused before any decoding. */
const MAX_TOKEN_LENGTH = 8192;

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The token of an `Authorization: Bearer ...` header, or undefined when the header is anything else. */
export function bearerToken(request: InboundRequest): string | undefined {
  const header = request.headers[JWT_LOCATION];
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

export function verifyJwt(token: string, rawBody: Uint8Array, secrets: readonly string[], now: Date): VerifyResult {
  if (token.length > MAX_TOKEN_LENGTH) return unauthorized(`the token is longer than ${MAX_TOKEN_LENGTH} characters`, JWT_LOCATION);
  const parts = token.split(".");
  if (parts.length !== 3 || !SEGMENT.test(parts[0]!) || !SEGMENT.test(parts[1]!)) return unauthorized("the token is not a signed JWT", JWT_LOCATION);
  const [header, payload, signature] = parts as [string, string, string];
  const alg = field(decodeSegment(header), "alg");
  if (alg !== "HS256") return unauthorized(`the token's algorithm is ${JSON.stringify(alg ?? null)}; Vonage signs with HS256 only`, JWT_LOCATION);
  const signed = verifyHmac({ algorithm: "sha256", encoding: "base64url", keys: secrets, parts: [`${header}.${payload}`], presented: signature, location: JWT_LOCATION });
  if (!signed.ok) return signed;
  const claims = decodeSegment(payload);
  const hash = field(claims, "payload_hash");
  if (typeof hash !== "string") return unauthorized("the token has no payload_hash claim", JWT_LOCATION);
  if (!constantTimeEqual(hash.toLowerCase(), createHash("sha256").update(rawBody).digest("hex"))) {
    return unauthorized("the body does not match the token's payload_hash", JWT_LOCATION);
  }
  return checkTimestamp(numeric(field(claims, "iat")), now, { maxAgeSeconds: JWT_MAX_AGE_SECONDS, location: `${JWT_LOCATION} (iat)` }) ?? signed;
}

/** A JWT segment's JSON object, or undefined when it is not one. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `iat` is a JSON number; anything else is handed on as missing, which the window refuses. */
function numeric(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
