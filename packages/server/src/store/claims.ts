import type { HeldClaim } from "./held-claims.js";
import type { IdempotencyClaim } from "./store.js";

/** An idempotency row as both engines store it (columns status_code, response, claimed_at). */
export interface ClaimRow {
  readonly fingerprint: string;
  /** `in_flight` rows were written by earlier versions, which claimed keys in the database. */
  readonly state: "in_flight" | "done";
  readonly status_code: number | null;
  readonly response: string | null;
  readonly claimed_at: number | string;
}

/**
 * What a stored row or a claim this process holds means for a new request with the same key: a
 * replay, a conflict, still in flight, or `free` to claim (nothing there, or an in-flight claim
 * older than the TTL, whose request is taken to have died).
 */
export function judgeClaim(existing: ClaimRow | HeldClaim | undefined, fingerprint: string, now: number, inFlightTtlMs: number): IdempotencyClaim | "free" {
  if (existing === undefined) return "free";
  if (existing.fingerprint !== fingerprint) return { kind: "fingerprint_mismatch" };
  if ("state" in existing && existing.state === "done") {
    return { kind: "replay", response: { statusCode: existing.status_code ?? 200, body: existing.response ?? "[]" } };
  }
  const claimedAt = "claimedAt" in existing ? existing.claimedAt : Number(existing.claimed_at);
  return now - claimedAt > inFlightTtlMs ? "free" : { kind: "in_flight" };
}
