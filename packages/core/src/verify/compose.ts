import { verifyBasicAuth } from "../basic-auth.js";
import type { VerifyResult } from "../plugin.js";
import type { InboundRequest } from "../request.js";
import { basicPairs, type BasicFields } from "./credentials.js";
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

/**
 * A plugin's own check (a signature, say) and the basic auth every plugin accepts on top, each
 * run when configured and both required when both are: `name` is the plugin's credential as
 * operators know it ("Auth Token"), said in the reasons when nothing is configured.
 */
export function withBasicAuth<C extends BasicFields, V>(
  request: InboundRequest,
  credentials: C | undefined,
  own: { readonly name: string; readonly value: (credentials: C) => V | undefined; readonly check: (value: V, credentials: C) => VerifyResult },
): VerifyResult {
  if (credentials === undefined) return notConfigured(`no ${own.name} or basic auth is configured`);
  return allConfigured(
    whenConfigured(own.value(credentials), `no ${own.name} is configured`, (value) => own.check(value, credentials)),
    verifyBasicAuth(request, basicPairs(credentials)),
  );
}
