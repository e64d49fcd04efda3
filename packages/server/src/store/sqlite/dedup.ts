import type Database from "better-sqlite3";
import { digest128 } from "../digest.js";
import { DigestSet, SeenKeys } from "../seen-keys.js";

/** Keys of one transaction, published to the seen set only once the transaction has committed. */
export interface Staging {
  readonly set: DigestSet;
  readonly keys: Uint32Array[];
}

/**
 * De-duplication of re-delivered events: 128-bit digests of their keys held in memory (SeenKeys)
 * and rebuilt at start from `seen_keys`, one row per commit, so a write never maintains a
 * random-key index. This only holds while one process owns the database (see lockDatabase).
 */
export class EventKeys {
  readonly #seen: SeenKeys;
  readonly #seed: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #digest = new Uint32Array(4);
  readonly #insert: Database.Statement;
  readonly #recent: Database.Statement;
  readonly #prune: Database.Statement;
  #commitsSincePrune = 0;

  constructor(db: Database.Database, seed: number, windowMs: number, now: () => number) {
    this.#seed = seed;
    this.#windowMs = windowMs;
    this.#now = now;
    this.#insert = db.prepare(`INSERT INTO seen_keys (committed_at, keys) VALUES (?, ?)`);
    this.#recent = db.prepare(`SELECT committed_at, keys FROM seen_keys ORDER BY seq DESC`).raw();
    // Rows are in commit order: the scan stops at the first one young enough, so a prune reads
    // only what it deletes.
    this.#prune = db.prepare(`DELETE FROM seen_keys WHERE seq < (SELECT seq FROM seen_keys WHERE committed_at >= ? ORDER BY seq LIMIT 1)`);
    this.#seen = new SeenKeys(windowMs, now());
    this.reload();
  }

  staging(): Staging {
    return { set: new DigestSet(64), keys: [] };
  }

  /**
   * A check for one request's events: true (and the key staged) when the event was stored by no
   * earlier commit nor earlier in this one. `staged()` then gives the keys it staged.
   */
  checker(scopeId: number, staging: Staging, capacity: number): { isFresh(kind: string, id: string): boolean; staged(): Uint32Array } {
    const keys = new Uint32Array(4 * capacity);
    let count = 0;
    return {
      isFresh: (kind, id) => {
        const digest = digest128(`${scopeId}\u0000${kind}\u0000${id}`, this.#seed, this.#digest);
        if (this.#seen.has(digest) || staging.set.has(digest, 0)) return false;
        staging.set.add(digest, 0);
        keys.set(digest, 4 * count++);
        return true;
      },
      staged: () => keys.subarray(0, 4 * count),
    };
  }

  /** In the commit's transaction: stores its keys as one row, and prunes now and then. */
  store(staging: Staging, now: number): void {
    if (staging.keys.length > 0) this.#insert.run(now, concatKeys(staging.keys));
    if (++this.#commitsSincePrune >= 1000) {
      this.#commitsSincePrune = 0;
      this.#prune.run(now - 2 * this.#windowMs);
    }
  }

  /** After the commit: its keys become seen. */
  publish(staging: Staging, now: number): void {
    this.#seen.rotate(now);
    for (const keys of staging.keys) for (let at = 0; at < keys.length; at += 4) this.#seen.add(keys, at);
  }

  /** The keys committed within the window, newest first, into the seen set. */
  reload(): void {
    const oldest = this.#now() - this.#windowMs;
    const key = new Uint32Array(4);
    for (const [committedAt, keys] of this.#recent.iterate() as Iterable<[number, Buffer]>) {
      if (committedAt < oldest) break;
      for (let at = 0; at + 16 <= keys.length; at += 16) {
        key[0] = keys.readUInt32LE(at);
        key[1] = keys.readUInt32LE(at + 4);
        key[2] = keys.readUInt32LE(at + 8);
        key[3] = keys.readUInt32LE(at + 12);
        this.#seen.add(key);
      }
    }
  }
}

/** The keys of one commit as little-endian bytes (how reload reads them back). */
function concatKeys(parts: readonly Uint32Array[]): Buffer {
  const bytes = Buffer.allocUnsafe(parts.reduce((n, part) => n + part.length * 4, 0));
  let at = 0;
  for (const part of parts) for (const word of part) at = bytes.writeUInt32LE(word, at);
  return bytes;
}
