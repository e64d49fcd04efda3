import { engineError } from "./errors.js";
import { lazySchema } from "./lazy-schema.js";
import type { VerifyResult } from "./plugin.js";
import type { InboundRequest } from "./request.js";
import { matchesSecret } from "./secrets.js";
import { basicPairs, credentialsSchema } from "./verify/credentials.js";

/**
 * HTTP basic auth as providers send it (Everlytic's `auth_details`, SendGrid's credentials in the
 * URL). Shared here because several plugins need the same careful comparison.
 */
export interface BasicCredential {
  readonly username: string;
  readonly password: string;
}

/**
 * Basic auth alone, in the shared credential vocabulary (`username`/`password`, either a list for
 * rotation), or as a list of pairs, the form configs written before contract v2 use.
 */
export const BasicCredentialsSchema = lazySchema((z) =>
  z.union([z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).min(1), credentialsSchema({}).schema]),
);
export type BasicCredentials = BasicCredential | readonly BasicCredential[] | { readonly username?: string | readonly string[]; readonly password?: string | readonly string[] };

/** The configured pairs, whichever form they were written in (undefined when none). */
export function pairsOf(configured: BasicCredentials | undefined): readonly BasicCredential[] | undefined {
  if (configured === undefined) return undefined;
  return Array.isArray(configured) ? (configured as readonly BasicCredential[]) : basicPairs(configured as { username?: string | readonly string[]; password?: string | readonly string[] });
}

export function readBasicAuth(request: InboundRequest): BasicCredential | undefined {
  const header = request.headers["authorization"];
  if (header === undefined) return undefined;
  const m = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The Authorization header a client sends for a pair (RFC 7617: "Basic " and base64 of the UTF-8 "username:password"). */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** Each configured pair as "username:password" and as its Authorization header, made once per credentials value. */
const formsByCredentials = new WeakMap<object, { readonly pairs: string[]; readonly headers: string[] }>();

function formsOf(list: readonly BasicCredential[]): { readonly pairs: string[]; readonly headers: string[] } {
  let forms = formsByCredentials.get(list);
  if (forms === undefined) {
    forms = { pairs: list.map((pair) => `${pair.username}:${pair.password}`), headers: list.map((pair) => basicAuthHeader(pair.username, pair.password)) };
    formsByCredentials.set(list, forms);
  }
  return forms;
}

/**
 * Checks the presented pair against every configured pair in constant time (see matchesSecret).
 * A username cannot hold a colon (RFC 7617), so "username:password" identifies the pair. The
 * header as clients write it is compared first, without decoding; other spellings of the same
 * pair (scheme case, spaces, base64 without padding) are decoded and compared as pairs.
 */
export function verifyBasicAuth(request: InboundRequest, configured: BasicCredentials | undefined): VerifyResult {
  const pairs = pairsOf(configured);
  if (pairs === undefined || pairs.length === 0) return { ok: true, verified: false, reason: "no basic auth credentials are configured" };
  const forms = formsOf(pairs);
  const header = request.headers["authorization"];
  if (header !== undefined && matchesSecret(header, forms.headers)) return { ok: true, verified: true };
  const presented = readBasicAuth(request);
  if (presented === undefined) return { ok: false, error: engineError("unauthorized", "basic auth credentials are required", "authorization") };
  return matchesSecret(`${presented.username}:${presented.password}`, forms.pairs) ? { ok: true, verified: true } : { ok: false, error: engineError("unauthorized", "basic auth credentials do not match", "authorization") };
}
