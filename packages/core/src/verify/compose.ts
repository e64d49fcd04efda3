import type { VerifyResult } from "../plugin.js";
import { notConfigured, VERIFIED } from "./result.js";

/**
 * Combines independent checks (a signature and basic auth, say): every configured check must
 * pass. Any failure wins, the first one in argument order; otherwise the request is verified when
 * at least one check verified it, and left unverified (reasons joined) when none was configured.
 */
export function allConfigured(...results: VerifyResult[]): VerifyResult {
  let verified = false;
  const reasons: string[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    if (result.verified) verified = true;
    else reasons.push(result.reason);
  }
  if (verified) return VERIFIED;
  return notConfigured(reasons.length > 0 ? reasons.join("; ") : "no check is configured");
}

/** Runs `check` only when its credential is configured; otherwise reports `reason` as not configured. */
export function whenConfigured<T>(value: T | undefined, reason: string, check: (value: T) => VerifyResult): VerifyResult {
  return value === undefined ? notConfigured(reason) : check(value);
}
