import {
  allConfigured,
  asList,
  basicPairs,
  checkTimestamp,
  credentialsSchema,
  field,
  text,
  unauthorized,
  verifyBasicAuth,
  verifyHmac,
  whenConfigured,
  type Decoded,
  type VerifyContext,
  type VerifyResult,
  type Infer,
} from "@tidings/core";
import { isCurrentBody, lastText } from "./fields.js";

/** Mailgun signs each POST afresh, so a short window bounds replays without refusing retries. */
export const DEFAULT_MAX_AGE_SECONDS = 10 * 60;

/**
 * `signingKey` is the HTTP webhook signing key (a list while rotating it); `username`/`password`
 * add basic auth from the webhook URL on top. Configs written before contract v2
 * (`{ "signingKey": "..." }`) are still valid.
 */
export const MailgunCredentialsSchema = credentialsSchema({
  signingKey: "optional",
  extra: (z) => ({
    maxAgeSeconds: z.int().positive().optional().meta({ description: `How old a signed timestamp may be (default ${DEFAULT_MAX_AGE_SECONDS} s)` }),
  }),
});
export type MailgunCredentials = Infer<typeof MailgunCredentialsSchema>;

/** Basic auth first (it needs no decoding), then the signature; each only when configured, both when both are. */
export function verify({ request, credentials, now, body }: VerifyContext<MailgunCredentials>): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no signing key or basic auth is configured" };
  const basic = verifyBasicAuth(request, basicPairs(credentials));
  if (!basic.ok) return basic;
  const signature = whenConfigured(credentials.signingKey, "no signing key is configured", (keys) =>
    verifySignature(body(), asList(keys), now, credentials.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS),
  );
  return allConfigured(basic, signature);
}

/**
 * "Securing webhooks": HMAC-SHA256 of timestamp + token with the signing key, hex. The current
 * webhooks put the three values in a `signature` block beside `event-data`; legacy posts put them
 * among the event's own fields.
 */
function verifySignature(decoded: Decoded, keys: readonly string[], now: Date, maxAgeSeconds: number): VerifyResult {
  if (!decoded.ok) return { ok: false, error: decoded.error };
  const body = decoded.value;
  const current = isCurrentBody(body);
  const block = current ? field(body, "signature") : body;
  const location = current ? "signature" : "body";
  const timestamp = current ? text(field(block, "timestamp")) : lastText(block, "timestamp");
  const token = current ? text(field(block, "token")) : lastText(block, "token");
  const presented = current ? text(field(block, "signature")) : lastText(block, "signature");
  if (timestamp === undefined || token === undefined || presented === undefined) {
    return unauthorized("the signature's timestamp, token or signature is missing", location);
  }
  const outside = checkTimestamp(timestamp, now, { maxAgeSeconds, location: `${location}.timestamp` });
  if (outside !== undefined) return outside;
  return verifyHmac({ algorithm: "sha256", encoding: "hex", keys, parts: [timestamp, token], presented, location: `${location}.signature` });
}
