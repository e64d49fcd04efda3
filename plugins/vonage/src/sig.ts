import { createHash, createHmac } from "node:crypto";
import {
  checkTimestamp,
  constantTimeEqual,
  formPairs,
  isRecord,
  unauthorized,
  verifyHmac,
  type Decoded,
  type InboundRequest,
  type VerifyResult,
} from "@tidings/core";

/**
 * SMS API signed webhooks: the request's parameters carry `sig`, computed over every other
 * parameter (https://developer.vonage.com/en/getting-started/concepts/signing-messages, "Manually
 * generate a signature"; the official SDKs' verifySignature: vonage-node-sdk packages/sms/lib/sms.ts,
 * vonage-php-sdk-core src/Client/Signature.php). The dashboard's signature method picks the digest.
 */
export const SIGNATURE_METHODS = ["md5hash", "md5", "sha1", "sha256", "sha512"] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

/** Vonage's default ("The default algorithm is 'MD5 hash'"). */
export const DEFAULT_SIGNATURE_METHOD: SignatureMethod = "md5hash";

export const SIG_LOCATION = "sig";

/**
 * Vonage retries for 24 hours, and a receipt's `timestamp` mirrors `message-timestamp`, the time
 * of the first push, so a late retry may still carry it (see JWT_MAX_AGE_SECONDS).
 */
export const SIG_MAX_AGE_SECONDS = 24 * 60 * 60;

/** A delivery receipt has about fifteen parameters; a request with more is refused before any digest is computed. */
export const MAX_SIGNED_PARAMETERS = 64;

const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/**
 * The text Vonage signs: every parameter but `sig`, sorted by name (UTF-16 code units, as the
 * Node SDK sorts), each as `&name=value` with `&` and `=` in the value replaced by `_`.
 */
export function signedText(params: Readonly<Record<string, string>>): string {
  let out = "";
  for (const name of Object.keys(params).sort()) {
    if (name !== SIG_LOCATION) out += `&${name}=${params[name]!.replace(/[&=]/g, "_")}`;
  }
  return out;
}

export interface SigOptions {
  readonly request: InboundRequest;
  readonly body: () => Decoded;
  readonly secrets: readonly string[];
  readonly method: SignatureMethod;
  readonly now: Date;
}

export function verifySig({ request, body, secrets, method, now }: SigOptions): VerifyResult {
  const params = signedParams(request, body);
  if (typeof params === "string") return unauthorized(params, SIG_LOCATION);
  const sig = params[SIG_LOCATION];
  if (sig === undefined || sig === "") {
    return unauthorized("the request carries neither a Vonage JWT (Authorization: Bearer) nor a sig parameter", SIG_LOCATION);
  }
  const stale = checkTimestamp(params["timestamp"], now, { maxAgeSeconds: SIG_MAX_AGE_SECONDS, location: "timestamp" });
  if (stale !== undefined) return stale;
  const text = signedText(params);
  if (method === "md5hash" || method === "md5") return verifyMd5(method, text, sig, secrets);
  return verifyHmac({ algorithm: method, encoding: "hex", keys: secrets, parts: [text], presented: sig, location: SIG_LOCATION });
}

/**
 * The parameters as Vonage sent them, or why they cannot be read: form fields as written (not
 * core's bracket decoding), or a JSON object of text values (POST-JSON receipts).
 */
function signedParams(request: InboundRequest, body: () => Decoded): Record<string, string> | string {
  let entries: [string, unknown][];
  if (request.contentType === "application/x-www-form-urlencoded") {
    entries = formPairs(request.rawBody);
  } else {
    const decoded = body();
    if (!decoded.ok || !isRecord(decoded.value)) return "the body is not a set of signed parameters";
    entries = Object.entries(decoded.value);
  }
  if (entries.length > MAX_SIGNED_PARAMETERS) return `the request has more than ${MAX_SIGNED_PARAMETERS} parameters`;
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of entries) {
    if (Object.hasOwn(params, name)) return `the parameter ${JSON.stringify(name)} appears twice, so the signed text is ambiguous`;
    if (typeof value !== "string") return `the parameter ${JSON.stringify(name)} is not text, so the signature cannot cover it`;
    params[name] = value;
  }
  return params;
}

/**
 * The two MD5 methods, which core's verifyHmac does not offer: "MD5 hash" is md5(text + secret),
 * "MD5 HMAC" the HMAC. Every secret is tried with no early exit, compared in constant time.
 */
function verifyMd5(method: "md5hash" | "md5", text: string, sig: string, secrets: readonly string[]): VerifyResult {
  if (!MD5_HEX.test(sig)) return unauthorized(`the signature is not a hex ${method} digest`, SIG_LOCATION);
  const presented = sig.toLowerCase();
  let matched = false;
  for (const secret of secrets) {
    const digest = method === "md5hash" ? createHash("md5").update(text + secret) : createHmac("md5", secret).update(text);
    matched = constantTimeEqual(presented, digest.digest("hex")) || matched;
  }
  return matched ? { ok: true, verified: true } : unauthorized("the signature does not verify", SIG_LOCATION);
}
