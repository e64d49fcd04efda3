import { createPublicKey } from "node:crypto";
import { field, isRecord } from "@tidings/core";

/**
 * Postal signs webhooks with the installation's `signing.key` (lib/postal/http.rb) and shows its
 * public half nowhere in the web interface. An operator copies it from one of:
 *
 * - `postal default-dkim-record`, which prints the return path's DKIM record
 *   `v=DKIM1; t=s; h=sha256; p=<base64 DER>;` (lib/postal/config.rb `rp_dkim_dns_record`), or the
 *   same record in DNS at `postal._domainkey.<return path domain>`;
 * - since Postal 3, the JWK set at `https://<postal host>/.well-known/jwks.json`;
 * - `openssl rsa -in signing.key -pubout` (PEM).
 *
 * Each configured text may be any of these, or the bare `p=` value. `keyTexts` turns one into the
 * PEM or base64 DER that core's verifyAsymmetric reads; a text it cannot read is passed on as it
 * is, for core to refuse.
 */
export function keyTexts(configured: string): readonly string[] {
  let texts = cache.get(configured);
  if (texts === undefined) cache.set(configured, (texts = Object.freeze(read(configured.trim()))));
  return texts;
}

/** Keyed by configured text only, so it holds as many entries as the configuration has keys. */
const cache = new Map<string, readonly string[]>();

function read(text: string): string[] {
  if (text.startsWith("{")) return fromJwkSet(text);
  if (/^v\s*=\s*DKIM1\s*;/i.test(text) || text.startsWith('"')) return fromDkimRecord(text);
  return [text];
}

/**
 * The `p=` tag of a DKIM record (RFC 6376 3.6.1), also as DNS tools print long records: quoted
 * chunks of at most 255 characters, which join into one text once the quotes and the whitespace
 * between them are gone.
 */
function fromDkimRecord(record: string): string[] {
  const unquoted = record.replace(/"/g, "");
  for (const tag of unquoted.split(";")) {
    const equals = tag.indexOf("=");
    if (equals !== -1 && tag.slice(0, equals).trim() === "p") return [tag.slice(equals + 1).replace(/\s+/g, "")];
  }
  return [unquoted];
}

/**
 * The RSA public keys of a JWK set (`{"keys": [...]}`) or of one JWK, as PEM. A JWK carrying the
 * private exponent `d` is left out: a private key does not belong in configuration.
 */
function fromJwkSet(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const listed = field(parsed, "keys");
  const jwks = Array.isArray(listed) ? listed : [parsed];
  return jwks.flatMap((jwk) => {
    const pem = rsaPublicPem(jwk);
    return pem === undefined ? [] : [pem];
  });
}

function rsaPublicPem(jwk: unknown): string | undefined {
  const n = field(jwk, "n");
  const e = field(jwk, "e");
  if (!isRecord(jwk) || field(jwk, "kty") !== "RSA" || Object.hasOwn(jwk, "d") || typeof n !== "string" || typeof e !== "string") return undefined;
  try {
    return createPublicKey({ key: { kty: "RSA", n, e }, format: "jwk" }).export({ type: "spki", format: "pem" }).toString();
  } catch {
    return undefined;
  }
}
