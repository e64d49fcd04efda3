import { createHmac, timingSafeEqual } from "node:crypto";
import type { VerifyResult } from "../plugin.js";
import { unauthorized, VERIFIED } from "./result.js";

export type HmacAlgorithm = "sha1" | "sha256" | "sha512";
export type DigestEncoding = "hex" | "base64" | "base64url";

/** The keyed digest of the parts, in order, as if they were one byte string. */
export function hmac(algorithm: HmacAlgorithm, key: string | Uint8Array, parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export interface VerifyHmacOptions {
  readonly algorithm: HmacAlgorithm;
  /** How the provider writes the digest; hex is read in either case. */
  readonly encoding: DigestEncoding;
  /** Every configured key (rotation): the request passes when any of them signed it. */
  readonly keys: readonly (string | Uint8Array)[];
  readonly parts: readonly (string | Uint8Array)[];
  /** The signature(s) the request carries: several when the provider signs with old and new keys. */
  readonly presented: string | readonly string[] | undefined;
  /** The header or field the signature came from, for the error. */
  readonly location: string;
  /** How text keys are turned into bytes: UTF-8 (default) or base64 (Standard Webhooks' `whsec_` secrets). */
  readonly keyEncoding?: "utf8" | "base64";
}

/** A request carrying more signatures than this is refused before any work is spent on them. */
export const MAX_PRESENTED_SIGNATURES = 16;

const DIGEST_LENGTH: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** Buffer.from skips characters it cannot decode; these patterns make a malformed signature a failure instead. */
const ENCODED: Readonly<Record<DigestEncoding, RegExp>> = {
  hex: /^(?:[0-9a-fA-F]{2})+$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/,
  base64url: /^[A-Za-z0-9_-]+={0,2}$/,
};

/** The presented digest's bytes, or undefined when it is not well-formed text in the encoding. */
function decodeDigest(text: string, encoding: DigestEncoding): Buffer | undefined {
  return ENCODED[encoding].test(text) ? Buffer.from(text, encoding) : undefined;
}

/**
 * Checks an HMAC signature, failing closed: a missing, empty or undecodable signature is
 * unauthorized. Digests are compared as bytes with timingSafeEqual (lengths first, as it
 * requires), and every key is tried against every presented signature with no early exit, so
 * the time does not reveal which key or which position matched.
 */
export function verifyHmac(options: VerifyHmacOptions): VerifyResult {
  const { algorithm, encoding, location } = options;
  const presented = (typeof options.presented === "string" ? [options.presented] : (options.presented ?? []))
    .map((value) => value.trim())
    .filter((value) => value !== "");
  if (presented.length === 0) return unauthorized("the signature is missing", location);
  if (presented.length > MAX_PRESENTED_SIGNATURES) {
    return unauthorized(`the request carries ${presented.length} signatures; at most ${MAX_PRESENTED_SIGNATURES} are read`, location);
  }
  if (options.keys.length === 0) return unauthorized("no signing key is configured to check the signature against", location);
  const expected = DIGEST_LENGTH[algorithm];
  const candidates = presented.map((value) => decodeDigest(value, encoding)).filter((digest): digest is Buffer => digest?.length === expected);
  if (candidates.length === 0) return unauthorized(`the signature is not a ${encoding} ${algorithm} digest`, location);
  let matched = false;
  for (const key of options.keys) {
    const digest = hmac(algorithm, options.keyEncoding === "base64" && typeof key === "string" ? Buffer.from(key, "base64") : key, options.parts);
    for (const candidate of candidates) matched = timingSafeEqual(digest, candidate) || matched;
  }
  return matched ? VERIFIED : unauthorized("the signature does not verify", location);
}
