import { createHash, createHmac } from "node:crypto";

/**
 * Signing as Vonage does it, written for the tests apart from the plugin's verifiers (and checked
 * against the official SDK's own vectors in plugin.test.ts), so a verifier bug cannot hide behind a
 * signer that shares it.
 */

const base64url = (text: string | Buffer) => Buffer.from(text).toString("base64url");

/** A JWT over the given header and claims, HMAC-SHA256 with `secret` (or unsigned for alg none). */
export function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** The token Vonage puts on a Messages API webhook for `body`, issued at `iat` (epoch seconds). */
export function messagesToken(body: string, secret: string, iat: number): string {
  return jwt(
    { alg: "HS256", typ: "JWT" },
    {
      iat,
      jti: "c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5",
      iss: "Vonage",
      payload_hash: createHash("sha256").update(body).digest("hex"),
      api_key: "a1b2c3d",
      application_id: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    },
    secret,
  );
}

export type Method = "md5hash" | "md5" | "sha1" | "sha256" | "sha512";

/**
 * The `sig` of a set of parameters, following "Manually generate a signature": sorted by key,
 * `&` and `=` in values replaced by `_`, `&key=value` joined, then MD5 of text+secret or the HMAC.
 */
export function sig(params: Readonly<Record<string, string>>, secret: string, method: Method): string {
  const text = Object.entries(params)
    .filter(([key]) => key !== "sig")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `&${key}=${value.replaceAll("&", "_").replaceAll("=", "_")}`)
    .join("");
  if (method === "md5hash") return createHash("md5").update(`${text}${secret}`).digest("hex");
  return createHmac(method, secret).update(text).digest("hex").toUpperCase();
}

/** `params` with its `sig` added. */
export function signed(params: Readonly<Record<string, string>>, secret: string, method: Method): Record<string, string> {
  return { ...params, sig: sig(params, secret, method) };
}
