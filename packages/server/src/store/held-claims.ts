import type { Scope } from "./store.js";

/** An idempotency key this process is working on: its body's fingerprint and since when. */
export interface HeldClaim {
  readonly fingerprint: string;
  readonly claimedAt: number;
  /** Called once when the claim ends (PostgreSQL: unlocks the key for other instances). */
  onEnd?: () => void;
}

/**
 * The idempotency claims in flight in this process. A claim lives here, never in a database row,
 * so it ends with its request however that ends (committed, failed, or the process gone): a
 * failed write cannot leave the key claimed behind it for the client's retry to trip over.
 */
export class HeldClaims {
  readonly #held = new Map<string, HeldClaim>();

  get(scope: Scope, key: string): HeldClaim | undefined {
    return this.#held.get(claimKey(scope, key));
  }

  /** Holds the key for a new request. A claim it replaces (one past its TTL) passes on its `onEnd`. */
  hold(scope: Scope, key: string, fingerprint: string, now: number): HeldClaim {
    const id = claimKey(scope, key);
    const previous = this.#held.get(id);
    const claim: HeldClaim = { fingerprint, claimedAt: now };
    if (previous?.onEnd !== undefined) {
      claim.onEnd = previous.onEnd;
      previous.onEnd = undefined;
    }
    this.#held.set(id, claim);
    return claim;
  }

  /** Ends the key's claim; with `claim`, only if that claim still holds the key. */
  end(scope: Scope, key: string, claim?: HeldClaim): void {
    const id = claimKey(scope, key);
    const current = this.#held.get(id);
    if (current === undefined || (claim !== undefined && current !== claim)) return;
    this.#held.delete(id);
    const onEnd = current.onEnd;
    current.onEnd = undefined;
    onEnd?.();
  }
}

function claimKey(scope: Scope, key: string): string {
  return `${scope.environmentId}\u0000${scope.integrationId}\u0000${key}`;
}
