import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { VerifyResult } from "../plugin.js";
import { unauthorized, VERIFIED } from "./result.js";

/**
 * The public-key schemes providers sign webhooks with: ECDSA P-256 (SendGrid), Ed25519 (Telnyx),
 * RSA PKCS#1 v1.5 with SHA-1 or SHA-256 (Postal, Amazon SNS signature versions 1 and 2).
 */
export const SIGNATURE_SCHEMES = ["ecdsa-p256-sha256", "ed25519", "rsa-sha1", "rsa-sha256"] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

interface SchemeSpec {
  readonly keyType: "ec" | "ed25519" | "rsa";
  readonly curve?: string;
  /** null for Ed25519, which hashes internally. */
  readonly hash: "sha1" | "sha256" | null;
  readonly label: string;
}

const SCHEMES: Readonly<Record<SignatureScheme, SchemeSpec>> = {
  "ecdsa-p256-sha256": { keyType: "ec", curve: "prime256v1", hash: "sha256", label: "an ECDSA P-256 public key" },
  ed25519: { keyType: "ed25519", hash: null, label: "an Ed25519 public key" },
  "rsa-sha1": { keyType: "rsa", hash: "sha1", label: "an RSA public key" },
  "rsa-sha256": { keyType: "rsa", hash: "sha256", label: "an RSA public key" },
};

/** RSA-8192 signatures are 1024 bytes; anything longer is refused before decoding. */
export const MAX_SIGNATURE_BYTES = 1024;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const RAW_ED25519_HEX = /^[0-9a-fA-F]{64}$/;

/** Parsed keys (or why a text is not one) per scheme and configured text: parsed once, not per request. */
const parsed = new Map<string, KeyObject | Error>();

/**
 * A configured public key as a KeyObject, throwing when the text is not a key usable for the
 * scheme. Accepted: PEM (`PUBLIC KEY`, `RSA PUBLIC KEY` or an X.509 `CERTIFICATE`), base64 DER
 * SubjectPublicKeyInfo (as SendGrid shows its key), and for Ed25519 the raw 32-byte key in base64
 * (as Telnyx shows it) or hex. A private key is refused: it does not belong in configuration.
 */
export function publicKeyFrom(text: string, scheme: SignatureScheme): KeyObject {
  const cacheKey = `${scheme}\n${text}`;
  let key = parsed.get(cacheKey);
  if (key === undefined) {
    try {
      key = checkedKey(parseKey(text.trim(), scheme), scheme);
    } catch (thrown) {
      key = thrown instanceof Error ? thrown : new Error(String(thrown));
    }
    parsed.set(cacheKey, key);
  }
  if (key instanceof Error) throw key;
  return key;
}

export function isUsablePublicKey(text: string, scheme: SignatureScheme): boolean {
  try {
    publicKeyFrom(text, scheme);
    return true;
  } catch {
    return false;
  }
}

function parseKey(text: string, scheme: SignatureScheme): KeyObject {
  if (text.startsWith("-----BEGIN")) {
    if (/PRIVATE KEY-----/.test(text)) throw new Error("this is a private key; configure the provider's public key");
    return createPublicKey(text);
  }
  if (scheme === "ed25519" && RAW_ED25519_HEX.test(text)) return rawEd25519(Buffer.from(text, "hex"));
  if (!BASE64.test(text)) throw new Error("expected a PEM key or certificate, or base64 DER");
  const bytes = Buffer.from(text, "base64");
  if (scheme === "ed25519" && bytes.length === 32) return rawEd25519(bytes);
  return createPublicKey({ key: bytes, format: "der", type: "spki" });
}

function rawEd25519(bytes: Buffer): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") }, format: "jwk" });
}

function checkedKey(key: KeyObject, scheme: SignatureScheme): KeyObject {
  const spec = SCHEMES[scheme];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== spec.keyType || (spec.curve !== undefined && curve !== spec.curve)) {
    const found = key.asymmetricKeyType === "ec" ? `an EC key on ${curve ?? "an unknown curve"}` : `a key of type ${key.asymmetricKeyType ?? "unknown"}`;
    throw new Error(`${scheme} needs ${spec.label}; this is ${found}`);
  }
  return key;
}

export interface VerifyAsymmetricOptions {
  readonly scheme: SignatureScheme;
  /** Every configured key (rotation): the request passes when any of them verifies it. */
  readonly publicKeys: readonly string[];
  /** What was signed, in order, as if it were one byte string. */
  readonly data: readonly (string | Uint8Array)[];
  readonly signature: string | undefined;
  readonly signatureEncoding?: "base64" | "hex";
  readonly location: string;
}

/**
 * Verifies a public-key signature over the data, failing closed: a missing, undecodable or
 * oversized signature, or configured keys none of which suits the scheme, is unauthorized and
 * never a throw. ECDSA signatures are read as DER (SendGrid) or as IEEE P1363 r||s.
 */
export function verifyAsymmetric(options: VerifyAsymmetricOptions): VerifyResult {
  const { scheme, location } = options;
  const encoding = options.signatureEncoding ?? "base64";
  const text = options.signature?.trim() ?? "";
  if (text === "") return unauthorized("the signature is missing", location);
  if (text.length > MAX_SIGNATURE_BYTES * 2) return unauthorized(`the signature is longer than ${MAX_SIGNATURE_BYTES} bytes`, location);
  if (!(encoding === "hex" ? HEX : BASE64).test(text)) return unauthorized(`the signature is not ${encoding}`, location);
  const signature = Buffer.from(text, encoding);
  const keys = options.publicKeys.flatMap((key) => (isUsablePublicKey(key, scheme) ? [publicKeyFrom(key, scheme)] : []));
  if (keys.length === 0) return unauthorized(`no configured public key is usable for ${scheme}`, location);
  const data = Buffer.concat(options.data.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : part)));
  const { hash } = SCHEMES[scheme];
  const dsaEncodings = scheme === "ecdsa-p256-sha256" && signature.length === 64 ? (["ieee-p1363", "der"] as const) : (["der"] as const);
  for (const key of keys) {
    for (const dsaEncoding of dsaEncodings) {
      if (verifies(hash, data, key, dsaEncoding, signature)) return VERIFIED;
    }
  }
  return unauthorized("the signature does not verify", location);
}

/** crypto.verify throws on some malformed signatures (a DER sequence that does not parse); that is a mismatch. */
function verifies(hash: string | null, data: Buffer, key: KeyObject, dsaEncoding: "der" | "ieee-p1363", signature: Buffer): boolean {
  try {
    return verify(hash, data, { key, dsaEncoding }, signature);
  } catch {
    return false;
  }
}
