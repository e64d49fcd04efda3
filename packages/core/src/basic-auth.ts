import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { engineError } from "./errors.js";
import type { VerifyResult } from "./plugin.js";
import type { InboundRequest } from "./request.js";

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

/**
 * Compares digests rather than the strings so the comparison takes the same time whatever the
 * length or the first differing byte, and checks every configured pair (no early exit).
 */
export function verifyBasicAuth(request: InboundRequest, configured: BasicCredentials | undefined): VerifyResult {
  const pairs = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
  if (pairs.length === 0) return { ok: true, verified: false, reason: "no basic auth credentials are configured" };
  const presented = readBasicAuth(request);
  if (presented === undefined) return { ok: false, error: engineError("unauthorized", "basic auth credentials are required", "authorization") };
  let matched = false;
  for (const pair of pairs) {
    const user = constantTimeEqual(presented.username, pair.username);
    const pass = constantTimeEqual(presented.password, pair.password);
    matched = (user && pass) || matched;
  }
  return matched ? { ok: true, verified: true } : { ok: false, error: engineError("unauthorized", "basic auth credentials do not match", "authorization") };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a, "utf8").digest();
  const db = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(da, db);
}
