import type { IdempotencyClaim } from "./store.js";

/** An idempotency row as both engines store it (columns status_code, response, claimed_at). */
export interface ClaimRow {
  readonly fingerprint: string;
  readonly state: "in_flight" | "done";
  readonly status_code: number | null;
  readonly response: string | null;
  readonly claimed_at: number | string;
}

/**
 * What an existing claim means for a new request with the same key: a replay, a conflict, still in
 * flight, or `take_over` when the claim is older than the in-flight TTL (its process died).
 */
export function judgeExistingClaim(row: ClaimRow | undefined, fingerprint: string, now: number, inFlightTtlMs: number): IdempotencyClaim | "take_over" {
  if (row === undefined) return { kind: "in_flight" };
  if (row.fingerprint !== fingerprint) return { kind: "fingerprint_mismatch" };
  if (row.state === "done") return { kind: "replay", response: { statusCode: row.status_code ?? 200, body: row.response ?? "[]" } };
  return now - Number(row.claimed_at) > inFlightTtlMs ? "take_over" : { kind: "in_flight" };
}
