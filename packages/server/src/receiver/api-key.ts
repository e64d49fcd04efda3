import { matchesSecret } from "@tidings/core";
import type { EnvironmentConfig } from "../config/schema.js";

export type ApiKeyVerdict = "absent" | "valid" | "invalid";

const API_KEY_HEADER = /^\s*(?:apikey|bearer)\s+(\S+)\s*$/i;

/**
 * `Authorization: ApiKey <key>` (Novu's form) or `Bearer <key>`. Every key of the environment is
 * compared, in constant time, whatever matches first; a key of another environment is invalid here.
 */
export function checkApiKey(authorization: string | undefined, environment: EnvironmentConfig): ApiKeyVerdict {
  if (authorization === undefined) return "absent";
  const m = API_KEY_HEADER.exec(authorization);
  if (!m) return "absent";
  return matchesSecret(m[1]!, environment.apiKeys) ? "valid" : "invalid";
}
