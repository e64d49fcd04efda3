import { hash, timingSafeEqual } from "node:crypto";
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

/** sha256 of each configured "username:password", computed once per credentials value. */
const configuredDigests = new WeakMap<object, Buffer[]>();

function digestsOf(configured: BasicCredentials): Buffer[] {
  let digests = configuredDigests.get(configured);
  if (digests === undefined) {
    const pairs = Array.isArray(configured) ? configured : [configured];
    digests = pairs.map((pair) => sha256(`${pair.username}:${pair.password}`));
    configuredDigests.set(configured, digests);
  }
  return digests;
}

/**
 * Compares sha256 digests rather than the strings, so the comparison takes the same time whatever
 * the length or the first differing byte, and checks every configured pair (no early exit).
 * A username cannot hold a colon (RFC 7617), so "username:password" identifies the pair.
 */
export function verifyBasicAuth(request: InboundRequest, configured: BasicCredentials | undefined): VerifyResult {
  if (configured === undefined || (Array.isArray(configured) && configured.length === 0)) {
    return { ok: true, verified: false, reason: "no basic auth credentials are configured" };
  }
  const presented = readBasicAuth(request);
  if (presented === undefined) return { ok: false, error: engineError("unauthorized", "basic auth credentials are required", "authorization") };
  const digest = sha256(`${presented.username}:${presented.password}`);
  let matched = false;
  for (const expected of digestsOf(configured)) matched = timingSafeEqual(digest, expected) || matched;
  return matched ? { ok: true, verified: true } : { ok: false, error: engineError("unauthorized", "basic auth credentials do not match", "authorization") };
}

export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(text: string): Buffer {
  return hash("sha256", text, "buffer");
}
