import type { AnyPlugin } from "./plugin.js";

export type CredentialsResult = { ok: true; credentials: unknown } | { ok: false; message: string };

/** Checks an integration's configured credentials against the plugin's schema (undefined = none). */
export function parseCredentials(plugin: AnyPlugin, value: unknown): CredentialsResult {
  if (value === undefined || value === null) return { ok: true, credentials: undefined };
  const parsed = plugin.credentials.safeParse(value);
  if (parsed.success) return { ok: true, credentials: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return { ok: false, message: `credentials for ${plugin.id} are invalid: ${issues.join("; ")}` };
}
