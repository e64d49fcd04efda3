import { asList, checkTimestamp, credentialsSchema, unauthorized, verifyHmac, withBasicAuth, type InboundRequest, type VerifyContext, type VerifyResult, type Infer } from "@tidings/core";

export const SIGNATURE_HEADER = "anypost-signature";

/**
 * The official SDKs reject deliveries older than five minutes by default ("to bound replay"), so
 * each attempt is signed afresh. They set no bound on times ahead of the clock; five minutes of
 * skew is Tidings' choice.
 */
export const TOLERANCE_SECONDS = 300;

/**
 * `signingKey` is the webhook's `whsec_...` signing secret (a list while rotating it);
 * `username`/`password` add basic auth from the webhook URL on top.
 */
export const AnypostCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type AnypostCredentials = Infer<typeof AnypostCredentialsSchema>;

/** The signature first, then basic auth; each only when configured, both when both are. */
export function verify({ request, credentials, now }: VerifyContext<AnypostCredentials>): VerifyResult {
  return withBasicAuth(request, credentials, { name: "signing key", value: (c) => c.signingKey, check: (keys) => verifySignature(request, asList(keys), now) });
}

interface SignatureHeader {
  readonly timestamps: readonly string[];
  readonly signatures: readonly string[];
}

/** `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`; other components are skipped, as the SDKs skip them. */
function parseHeader(value: string): SignatureHeader {
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    if (key === "t") timestamps.push(part.slice(eq + 1).trim());
    else if (key === "v1") signatures.push(part.slice(eq + 1).trim());
  }
  return { timestamps, signatures };
}

/**
 * The SDKs' `verifyWebhookSignature` (anypost-node, anypost-python `_webhook_signature.py`,
 * anypost-go `webhook.go`): HMAC-SHA256, hex, over `${t}.${raw body}`, keyed with the whole
 * secret's UTF-8 bytes (`whsec_` included, unlike Standard Webhooks). During a rotation the
 * header carries one `v1=` per active secret and a match on any one passes.
 */
function verifySignature(request: InboundRequest, keys: readonly string[], now: Date): VerifyResult {
  const header = request.headers[SIGNATURE_HEADER];
  if (header === undefined || header.trim() === "") return unauthorized("the Anypost-Signature header is missing", SIGNATURE_HEADER);
  const { timestamps, signatures } = parseHeader(header);
  if (timestamps.length !== 1) {
    return unauthorized(timestamps.length === 0 ? "the signature header has no t= timestamp" : "the signature header has more than one t= timestamp", SIGNATURE_HEADER);
  }
  const timestamp = timestamps[0]!;
  const outside = checkTimestamp(timestamp, now, { maxAgeSeconds: TOLERANCE_SECONDS, maxFutureSeconds: TOLERANCE_SECONDS, location: SIGNATURE_HEADER });
  if (outside !== undefined) return outside;
  return verifyHmac({
    algorithm: "sha256",
    encoding: "hex",
    keys,
    parts: [`${timestamp}.`, request.rawBody],
    presented: signatures,
    location: SIGNATURE_HEADER,
  });
}
