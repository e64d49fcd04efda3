import { createHash, timingSafeEqual } from "node:crypto";
import {
  allConfigured,
  asList,
  basicPairs,
  credentialsSchema,
  field,
  unauthorized,
  verifyBasicAuth,
  whenConfigured,
  type Decoded,
  type VerifyContext,
  type VerifyResult,
  type Infer,
} from "@tidings/core";

/**
 * `signingKey` is the API key the webhook belongs to: the account's, or the project's when the
 * webhook was set with a project API key (a list while rotating it). `username`/`password` add
 * basic auth from the webhook URL on top.
 */
export const UnisenderGoCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type UnisenderGoCredentials = Infer<typeof UnisenderGoCredentialsSchema>;

const LOCATION = "body.auth";

/** Basic auth first (it needs no decoding), then the `auth` field; each only when configured, both when both are. */
export function verify({ request, credentials, body }: VerifyContext<UnisenderGoCredentials>): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no API key or basic auth is configured" };
  const basic = verifyBasicAuth(request, basicPairs(credentials));
  if (!basic.ok) return basic;
  const signature = whenConfigured(credentials.signingKey, "no API key is configured to check the auth field", (keys) =>
    verifyAuthField(request.rawBody, asList(keys), body),
  );
  return allConfigured(basic, signature);
}

/** JSON whitespace only: `\s` would also take the NBSP and other characters a latin1 view gives bytes 0x85 and 0xA0. */
const AUTH_KEY = /"auth"[ \t\n\r]*:/g;
const AUTH_VALUE = /[ \t\n\r]*"([0-9A-Fa-f]{32})"/y;

interface AuthField {
  /** Where the 32 hex digits start and end in the body's bytes. */
  readonly start: number;
  readonly end: number;
  readonly hex: string;
}

/**
 * "auth: MD5 hash of the string body of the message, in which the value of auth is replaced by the
 * api_key of the user/project whose handler is called"
 * (https://godocs.unisender.ru/web-api-ref#callback-format). The digest is taken over the bytes as
 * sent, whatever their formatting: the 32 hex digits of the one `"auth"` key are swapped for each
 * configured key in turn, and every key is tried (no early exit). A body whose digest matches must
 * still decode to an object whose own top-level `auth` is that value: MD5 over a secret in the
 * middle of known text can be extended past the end (length extension), and what it appends is
 * never valid JSON.
 */
function verifyAuthField(rawBody: Uint8Array, keys: readonly string[], body: () => Decoded): VerifyResult {
  const bytes = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const found = locateAuth(bytes);
  if (typeof found === "string") return unauthorized(found, LOCATION);
  const presented = Buffer.from(found.hex, "hex");
  let matched = false;
  for (const key of keys) {
    const digest = createHash("md5").update(bytes.subarray(0, found.start)).update(key, "utf8").update(bytes.subarray(found.end)).digest();
    matched = timingSafeEqual(digest, presented) || matched;
  }
  if (!matched) return unauthorized("the auth digest does not match the body under any configured API key", LOCATION);
  const decoded = body();
  if (!decoded.ok) return { ok: false, error: decoded.error };
  if (field(decoded.value, "auth") !== found.hex) return unauthorized("the signed auth value is not the body's top-level auth field", LOCATION);
  return { ok: true, verified: true };
}

/**
 * The one `"auth": "<32 hex digits>"` of the raw text, or why there is none. A second `"auth"` key
 * anywhere (a duplicate, or a nested object's) makes the value to replace ambiguous, so it fails.
 * The text is read as latin1 so that string offsets are byte offsets.
 */
function locateAuth(bytes: Buffer): AuthField | string {
  const text = bytes.toString("latin1");
  AUTH_KEY.lastIndex = 0;
  const first = AUTH_KEY.exec(text);
  if (first === null) return "the body has no auth field";
  const afterColon = AUTH_KEY.lastIndex;
  if (AUTH_KEY.exec(text) !== null) return "the body has more than one auth field";
  AUTH_VALUE.lastIndex = afterColon;
  const value = AUTH_VALUE.exec(text);
  if (value === null) return "the auth field is not an MD5 digest (32 hex digits)";
  const end = AUTH_VALUE.lastIndex - 1;
  return { start: end - 32, end, hex: value[1]! };
}
