import type { ResolvedIntegration } from "../config/load.js";
import type { z } from "zod";
import type { VerificationSchema } from "./schemas.js";

const BASIC_FIELDS: ReadonlySet<string> = new Set(["username", "password"]);

/** How an integration's calls are verified, as the console shows it, from its parsed credentials. */
export function verificationOf(integration: ResolvedIntegration): { verification: z.infer<typeof VerificationSchema>; note: string } {
  const { credentials, plugin } = integration;
  if (credentials === undefined) {
    return integration.allowUnverified
      ? { verification: "unverified", note: "no credentials and allowUnverified: anyone who knows the URL can post events" }
      : { verification: "api_key_only", note: "no provider credentials: only calls with the environment's API key are accepted" };
  }
  const entries: unknown[] = Array.isArray(credentials) ? credentials : [credentials];
  const fields = new Set<string>();
  for (const entry of entries) {
    if (entry === null || typeof entry !== "object") continue;
    for (const [name, value] of Object.entries(entry)) if (value !== undefined) fields.add(name);
  }
  const others = [...fields].filter((name) => !BASIC_FIELDS.has(name));
  const alsoUnverified = integration.allowUnverified ? "; allowUnverified also accepts calls that verify nothing" : "";
  if (others.length === 0) return { verification: "basic_auth", note: `HTTP basic auth in the URL, or the environment's API key${alsoUnverified}` };
  const basic = fields.has("username") ? ", or basic auth in the URL" : "";
  return { verification: "signature", note: `${plugin.displayName} signature (${others.sort().join(", ")})${basic}, or the environment's API key${alsoUnverified}` };
}
