import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { engineError, type InboundRequest, type VerifyResult } from "@tidings/core";

/** Header names of SendGrid's signed Event Webhook (lower-cased, as hosts pass them). */
export const SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
export const TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";

/** Retries may carry the original timestamp, so the default window is SendGrid's 24 h retry period. */
export const DEFAULT_MAX_AGE_SECONDS = 24 * 60 * 60;
/** A timestamp this far ahead of our clock is not clock skew. */
const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

const keys = new Map<string, KeyObject>();

/** The verification key as SendGrid shows it (base64 DER SPKI) or PEM; throws when it is neither. */
export function publicKeyFrom(text: string): KeyObject {
  let key = keys.get(text);
  if (key === undefined) {
    const trimmed = text.trim();
    key = trimmed.startsWith("-----BEGIN")
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "spki" });
    if (key.asymmetricKeyType !== "ec") throw new Error("the key is not an elliptic-curve public key");
    keys.set(text, key);
  }
  return key;
}

/**
 * ECDSA P-256/SHA-256 over the timestamp header text followed by the raw body bytes, exactly as
 * received: re-serialized JSON would not verify. Fails closed on anything missing or malformed.
 */
export function verifySignature(request: InboundRequest, publicKey: string, now: Date, maxAgeSeconds: number): VerifyResult {
  const signature = request.headers[SIGNATURE_HEADER];
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (!signature) return unauthorized("the signature header is missing", SIGNATURE_HEADER);
  if (!timestamp) return unauthorized("the timestamp header is missing", TIMESTAMP_HEADER);
  if (!/^\d{1,12}$/.test(timestamp)) return unauthorized("the timestamp header is not unix seconds", TIMESTAMP_HEADER);
  const age = now.getTime() / 1000 - Number(timestamp);
  if (age > maxAgeSeconds) return unauthorized(`the signed timestamp is older than ${maxAgeSeconds} s`, TIMESTAMP_HEADER);
  if (age < -MAX_FUTURE_SKEW_SECONDS) return unauthorized("the signed timestamp is in the future", TIMESTAMP_HEADER);
  let valid = false;
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), request.rawBody]);
    valid = verify("sha256", signed, { key: publicKeyFrom(publicKey), dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    valid = false;
  }
  return valid ? { ok: true, verified: true } : unauthorized("the signature does not verify", SIGNATURE_HEADER);
}

function unauthorized(message: string, location: string): VerifyResult {
  return { ok: false, error: engineError("unauthorized", message, location) };
}
