import { z } from "zod";
import { engineError } from "./errors.js";
import type { VerifyResult } from "./plugin.js";
import type { InboundRequest } from "./request.js";
import { matchesSecret } from "./secrets.js";

/**
 * HTTP basic auth as providers send it (Everlytic's `auth_details`, SendGrid's credentials in the
 * URL). Shared here because several plugins need the same careful comparison.
 */
export const BasicCredentialSchema = z.object({ username: z.string().min(1), password: z.string().min(1) }).strict();
export type BasicCredential = z.infer<typeof BasicCredentialSchema>;

/** One pair, or several so a customer can rotate the password without downtime. */
export const BasicCredentialsSchema = z.union([BasicCredentialSchema, z.array(BasicCredentialSchema).min(1)]);
export type BasicCredentials = z.infer<typeof BasicCredentialsSchema>;

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

/** Each configured pair as "username:password", made once per credentials value. */
const pairsByCredentials = new WeakMap<object, string[]>();

function pairsOf(configured: BasicCredentials): string[] {
  let pairs = pairsByCredentials.get(configured);
  if (pairs === undefined) {
    pairs = (Array.isArray(configured) ? configured : [configured]).map((pair) => `${pair.username}:${pair.password}`);
    pairsByCredentials.set(configured, pairs);
  }
  return pairs;
}

/**
 * Checks the presented pair against every configured pair in constant time (see matchesSecret).
 * A username cannot hold a colon (RFC 7617), so "username:password" identifies the pair.
 */
export function verifyBasicAuth(request: InboundRequest, configured: BasicCredentials | undefined): VerifyResult {
  if (configured === undefined || (Array.isArray(configured) && configured.length === 0)) {
    return { ok: true, verified: false, reason: "no basic auth credentials are configured" };
  }
  const presented = readBasicAuth(request);
  if (presented === undefined) return { ok: false, error: engineError("unauthorized", "basic auth credentials are required", "authorization") };
  return matchesSecret(`${presented.username}:${presented.password}`, pairsOf(configured)) ? { ok: true, verified: true } : { ok: false, error: engineError("unauthorized", "basic auth credentials do not match", "authorization") };
}

