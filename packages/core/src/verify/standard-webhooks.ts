import type { VerifyResult } from "../plugin.js";
import type { InboundRequest } from "../request.js";
import { hmac, MAX_PRESENTED_SIGNATURES, verifyHmac } from "./hmac.js";
import { unauthorized } from "./result.js";
import { checkTimestamp } from "./timestamp.js";

/**
 * Standard Webhooks (https://www.standardwebhooks.com/, spec/standard-webhooks.md), the scheme
 * Svix sends under `svix-*` header names (Resend, Clerk...): HMAC-SHA256 over
 * `${id}.${timestamp}.${raw body}`, base64, in a space-separated list of `v1,<signature>` entries
 * so the sender can sign with an old and a new secret during rotation.
 */
export const STANDARD_WEBHOOK_HEADERS = {
  webhook: { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" },
  svix: { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" },
} as const;

/** The reference libraries' tolerance, both ways. */
export const DEFAULT_STANDARD_WEBHOOK_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** Decoded key per configured secret text; configuration is small, so the map stays small. */
const keys = new Map<string, Buffer | undefined>();

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional), or undefined when it is not one. */
function keyOf(secret: string): Buffer | undefined {
  if (!keys.has(secret)) {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    keys.set(secret, encoded !== "" && BASE64.test(encoded) ? Buffer.from(encoded, "base64") : undefined);
  }
  return keys.get(secret);
}

/** For credential schemas: whether a configured secret is `whsec_` plus base64 (or bare base64). */
export function isStandardWebhookSecret(secret: string): boolean {
  return keyOf(secret) !== undefined;
}

/** The `v1,<signature>` entry a sender puts in `webhook-signature` (tests; outbound delivery). */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: Uint8Array | string): string {
  const key = keyOf(secret);
  if (key === undefined) throw new Error("a Standard Webhooks secret is `whsec_` followed by base64");
  return `v1,${hmac("sha256", key, [`${id}.${timestamp}.`, body]).toString("base64")}`;
}

export interface StandardWebhookOptions {
  readonly toleranceSeconds?: number;
}

/**
 * Verifies a Standard Webhooks or Svix request against every configured secret. Fails closed on a
 * missing header, a timestamp outside the tolerance, a header without `v1` entries, or no match;
 * other versions (`v1a,` asymmetric signatures) are ignored, as the spec says.
 */
export function verifyStandardWebhook(request: InboundRequest, secrets: readonly string[], now: Date, options: StandardWebhookOptions = {}): VerifyResult {
  const { headers } = request;
  const standard = STANDARD_WEBHOOK_HEADERS.webhook;
  const names = [standard.id, standard.timestamp, standard.signature].some((name) => headers[name] !== undefined) ? standard : STANDARD_WEBHOOK_HEADERS.svix;
  const id = headers[names.id];
  const timestamp = headers[names.timestamp];
  const header = headers[names.signature];
  if (!id) return unauthorized("the message id header is missing", names.id);
  if (!header) return unauthorized("the signature header is missing", names.signature);
  const tolerance = options.toleranceSeconds ?? DEFAULT_STANDARD_WEBHOOK_TOLERANCE_SECONDS;
  const stale = checkTimestamp(timestamp, now, { maxAgeSeconds: tolerance, maxFutureSeconds: tolerance, location: names.timestamp });
  if (stale !== undefined) return stale;
  const entries = header.split(" ").filter((entry) => entry !== "");
  if (entries.length > MAX_PRESENTED_SIGNATURES) {
    return unauthorized(`the signature header holds ${entries.length} entries; at most ${MAX_PRESENTED_SIGNATURES} are read`, names.signature);
  }
  const presented = entries.filter((entry) => entry.startsWith("v1,")).map((entry) => entry.slice(3));
  if (presented.length === 0) return unauthorized("the signature header has no v1 signature", names.signature);
  const configured = secrets.map(keyOf).filter((key): key is Buffer => key !== undefined);
  if (configured.length === 0) return unauthorized("no configured secret is a Standard Webhooks secret (whsec_ and base64)", names.signature);
  return verifyHmac({
    algorithm: "sha256",
    encoding: "base64",
    keys: configured,
    parts: [`${id}.${timestamp}.`, request.rawBody],
    presented,
    location: names.signature,
  });
}
