import { z } from "zod";
import {
  allConfigured,
  asList,
  basicPairs,
  checkTimestamp,
  credentialsSchema,
  definePlugin,
  field,
  hmac,
  text,
  verifyBasicAuth,
  verifyHmac,
  whenConfigured,
  type Plugin,
  type VerifyContext,
  type VerifyResult,
  type Infer,
} from "@tidings/core";
import type { SuiteRequest } from "../src/index.js";

/**
 * A small signing provider composed from the shared blocks, as a plugin would be: hex
 * HMAC-SHA256 of `${timestamp}.${raw body}` in `x-sample-signature`, the time in
 * `x-sample-timestamp`, retries within ten minutes, and optional basic auth on top.
 */
export const SignedCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type SignedCredentials = Infer<typeof SignedCredentialsSchema>;

export const SIGNATURE = "x-sample-signature";
export const TIMESTAMP = "x-sample-timestamp";
export const MAX_AGE_SECONDS = 600;
export const NOW = new Date("2026-01-15T10:00:00.000Z");
export const KEY = "sample-signing-key";

function checkSignature({ request, now }: VerifyContext<SignedCredentials>, key: string | string[]): VerifyResult {
  const timestamp = request.headers[TIMESTAMP];
  return (
    checkTimestamp(timestamp, now, { maxAgeSeconds: MAX_AGE_SECONDS, location: TIMESTAMP }) ??
    verifyHmac({ algorithm: "sha256", encoding: "hex", keys: asList(key), parts: [`${timestamp}.`, request.rawBody], presented: request.headers[SIGNATURE], location: SIGNATURE })
  );
}

export function verifySigned(context: VerifyContext<SignedCredentials>): VerifyResult {
  const credentials = context.credentials ?? {};
  return allConfigured(
    whenConfigured(credentials.signingKey, "no signing key is configured", (key) => checkSignature(context, key)),
    verifyBasicAuth(context.request, basicPairs(credentials)),
  );
}

export const signedPlugin = definePlugin({
  contractVersion: 1,
  id: "signed-sample",
  displayName: "Signed sample provider",
  contentTypes: ["application/json"],
  credentials: SignedCredentialsSchema,
  verify: verifySigned,
  events: ["delivered"],
  mapping: { delivered: "delivered" },
  split: (body) => [body],
  eventName: (raw) => text(field(raw, "kind")),
  read: { date: (raw) => text(field(raw, "at")) },
});

export function signedPluginWith(verify: Plugin<string, SignedCredentials>["verify"]): Plugin<string, SignedCredentials> {
  return { ...signedPlugin, verify } as Plugin<string, SignedCredentials>;
}

export function signedRequest(timestamp: number, key = KEY, body = '{"kind":"delivered","at":"2026-01-15T09:59:00Z"}'): SuiteRequest {
  const signature = hmac("sha256", key, [`${timestamp}.`, body]).toString("hex");
  return { contentType: "application/json", body, headers: { [SIGNATURE]: signature, [TIMESTAMP]: String(timestamp) } };
}
