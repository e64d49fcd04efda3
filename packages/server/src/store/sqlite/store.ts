import type Database from "better-sqlite3";
import { startCheckpointer, type Checkpointer } from "../checkpointer.js";
import { judgeClaim, type ClaimRow } from "../claims.js";
import { GroupCommit } from "../group-commit.js";
import type { ActivityPage, ActivityStore, KeptItem, ListQuery, RecentItem, RecentQuery, RejectedItem, StatusCount, StatusCountsQuery } from "../activity.js";
import { HeldClaims } from "../held-claims.js";
import {
  InvalidCursorError,
  parseCursor,
  StorageUnavailableError,
  storeSettings,
  type AcceptedRecord,
  type FeedItem,
  type FeedPage,
  type FeedQuery,
  type IdempotencyClaim,
  type RejectedRecord,
  type Scope,
  type Store,
  type StoreOptions,
} from "../store.js";
import { ActivityTally, SqliteActivity } from "./activity.js";
import { EventKeys, type Staging } from "./dedup.js";
import { SqliteFeed } from "./feed.js";
import { checkFreeSpace, fileIdentity, isStorageFault, openDatabase, PROBE_SQL } from "./file.js";
import { SqliteOutbox } from "./outbox.js";
import { SqliteWrites } from "./writes.js";

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * Create the database when there is no file at the path (default true). A receiver that should
   * find its data there passes false, so that a moved or deleted database is refused rather than
   * silently replaced by an empty one.
   */
  readonly create?: boolean;
  /** A re-delivered event is recognized for at least this long after the first delivery. */
  readonly dedupWindowMs?: number;
  /** Told when the background checkpoint worker fails (the writer then checkpoints by itself). */
  readonly onCheckpointError?: (error: Error) => void;
}

const DEFAULT_DEDUP_WINDOW_MS = 72 * 3_600_000;

/** One write of a group commit, given the commit's staged event keys and its tally for the console's tables. */
type Write = (staging: Staging, activity: ActivityTally) => void;

/**
 * The embedded default store: one SQLite file in WAL mode (file.ts), one row per request holding
 * its raw body and its normalized events (writes.ts; the feed reads them back in order, feed.ts),
 * writes grouped (see GroupCommit). Re-deliveries are recognized by event-key digests held in
 * memory (dedup.ts); a lock file keeps a second process off the database, since its memory would
 * not see these keys. For the same reason idempotency keys in flight are held in memory (see HeldClaims).
 *
 * SQLite keeps writing to a file deleted or moved under it, so every commit checks that the path
 * still names the file it opened, and fails (503) when it does not rather than acknowledge data
 * that the next start would not find.
 */
export class SqliteStore implements Store, ActivityStore {
  readonly #db: Database.Database;
  readonly #lock: Database.Database | undefined;
  readonly #checkpointer: Checkpointer | undefined;
  readonly #path: string;
  /** Device and inode of the database file when opened; undefined in memory. */
  readonly #identity: string | undefined;
  readonly #held = new HeldClaims();
  readonly #now: () => number;
  readonly #inFlightTtlMs: number;
  readonly #keys: EventKeys;
  readonly #rows: SqliteWrites;
  readonly #feed: SqliteFeed;
  readonly #activity: SqliteActivity;
  readonly outbox: SqliteOutbox;
  readonly #scopes = new Map<string, number>();
  readonly #sql;
  readonly #writes: GroupCommit<Write>;
  /** Set while the path names another file (or none): the keys committed meanwhile were not added to the seen set. */
  #displaced = false;
  #probe: Promise<void> | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const settings = storeSettings(options);
    ({ now: this.#now, inFlightTtlMs: this.#inFlightTtlMs } = settings);
    this.#path = path;
    const { db, lock, identity, seed } = openDatabase(path, options.create ?? true);
    this.#db = db;
    this.#lock = lock;
    this.#identity = identity;
    this.#sql = {
      findScope: db.prepare(`SELECT id FROM scopes WHERE environment_id = ? AND integration_id = ?`).pluck(),
      addScope: db.prepare(`INSERT INTO scopes (environment_id, integration_id) VALUES (?, ?) ON CONFLICT DO NOTHING`),
      readClaim: db.prepare(`SELECT fingerprint, state, status_code, response, claimed_at FROM idempotency WHERE scope = ? AND key = ?`),
      ping: db.prepare(`SELECT 1`),
      probe: db.prepare(PROBE_SQL),
    };
    this.#checkpointer = identity === undefined ? undefined : startCheckpointer(path, options.onCheckpointError ?? (() => undefined));
    this.#keys = new EventKeys(db, seed, options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS, this.#now);
    this.outbox = new SqliteOutbox(
      db,
      (write) => this.#writes.add(() => write()),
      async (read) => this.#guard(() => {
        this.#checkFile();
        return read();
      }),
    );
    this.#rows = new SqliteWrites(db, this.#keys, this.outbox, settings.maxRejected);
    this.#feed = new SqliteFeed(db);
    this.#activity = new SqliteActivity(db, (cursors) => this.#feed.itemsAt(cursors));
    const writeAll = db.transaction((writes: readonly Write[], staging: Staging, now: number) => {
      const activity = new ActivityTally();
      for (const write of writes) write(staging, activity);
      this.#activity.write(activity);
      this.#keys.store(staging, now);
    });
    this.#writes = new GroupCommit({
      engine: "SQLite",
      commit: (writes) => {
        const staging = this.#keys.staging();
        const now = this.#now();
        writeAll(writes, staging, now);
        // Checked after the commit: one that went to a file no longer at the path is not acknowledged.
        this.#checkFile();
        this.#keys.publish(staging, now);
      },
      isStorageFault,
    });
  }

  /** One process owns the database (the lock), so a claim in flight needs no row: see HeldClaims. */
  async claimIdempotencyKey(scope: Scope, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    return this.#guard(() => {
      const now = this.#now();
      const scopeId = this.#knownScopeId(scope);
      const existing = this.#held.get(scope, key) ?? (scopeId === undefined ? undefined : (this.#sql.readClaim.get(scopeId, key) as ClaimRow | undefined));
      const verdict = judgeClaim(existing, fingerprint, now, this.#inFlightTtlMs);
      if (verdict !== "free") return verdict;
      this.#held.hold(scope, key, fingerprint, now);
      return { kind: "claimed" };
    });
  }

  async releaseIdempotencyKey(scope: Scope, key: string): Promise<void> {
    this.#held.end(scope, key);
  }

  /** Stores the record with its idempotency key's outcome; the key's claim ends either way. */
  commitAccepted(record: AcceptedRecord): Promise<void> {
    const key = record.idempotencyKey;
    const claim = key === undefined ? undefined : this.#held.get(record.scope, key);
    const committed = this.#queueWrite(record.scope, (scopeId, staging, activity) => {
      const { fresh } = this.#rows.accepted(scopeId, record, claim, staging);
      activity.results(scopeId, fresh);
      activity.call(scopeId, record.request.receivedAt);
    });
    return claim === undefined ? committed : committed.finally(() => this.#held.end(record.scope, key!, claim));
  }

  recordRejected(record: RejectedRecord): Promise<void> {
    return this.#queueWrite(record.scope, (scopeId, _staging, activity) => {
      this.#rows.rejected(scopeId, record);
      activity.call(scopeId, record.request.receivedAt);
    });
  }

  /** Queues a write for the next group commit, its scope's row resolved first: never rolled back with a batch. */
  #queueWrite(scope: Scope, write: (scopeId: number, staging: Staging, activity: ActivityTally) => void): Promise<void> {
    let scopeId: number;
    try {
      scopeId = this.#guard(() => this.#scopeId(scope));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    return this.#writes.add((staging, activity) => write(scopeId, staging, activity));
  }

  async feed(scope: Scope, query: FeedQuery): Promise<FeedPage> {
    const cursor = query.after === undefined ? 0 : parseCursor(query.after);
    return this.#guard(() => {
      this.#checkFile();
      const scopeId = this.#knownScopeId(scope);
      return scopeId === undefined ? { data: [], next: null } : this.#feed.page(scopeId, query, cursor);
    });
  }

  async timeline(scope: Scope, messageId: string): Promise<readonly FeedItem[]> {
    return this.#guard(() => {
      this.#checkFile();
      const scopeId = this.#knownScopeId(scope);
      return scopeId === undefined ? [] : this.#feed.timeline(scopeId, messageId);
    });
  }

  async recent(environmentId: string, query: RecentQuery): Promise<ActivityPage<RecentItem>> {
    return this.#read(() => this.#activity.recent(environmentId, query));
  }

  async statusCounts(environmentId: string, query: StatusCountsQuery): Promise<readonly StatusCount[]> {
    return this.#read(() => this.#activity.statusCounts(environmentId, query));
  }

  async lastCalls(environmentId: string): Promise<ReadonlyMap<string, string>> {
    return this.#read(() => this.#activity.lastCalls(environmentId));
  }

  async rejected(environmentId: string, query: ListQuery): Promise<ActivityPage<RejectedItem>> {
    return this.#read(() => this.#activity.rejected(environmentId, query));
  }

  async kept(environmentId: string, query: ListQuery): Promise<ActivityPage<KeptItem>> {
    return this.#read(() => this.#activity.kept(environmentId, query));
  }

  /** A read, on the file this store opened. */
  #read<T>(run: () => T): T {
    return this.#guard(() => {
      this.#checkFile();
      return run();
    });
  }

  async ping(): Promise<void> {
    this.#guard(() => {
      this.#checkFile();
      this.#sql.ping.get();
    });
  }

  /**
   * Commits a one-row write with the requests' next group commit (so it shares their sync) and
   * checks the file, as each commit does, after the disk's free space. Concurrent checks share one probe.
   */
  probeWrite(): Promise<void> {
    if (this.#identity !== undefined) {
      try {
        checkFreeSpace(this.#path);
      } catch (thrown) {
        return Promise.reject(thrown);
      }
    }
    this.#probe ??= this.#writes.add(() => this.#sql.probe.run(new Date(this.#now()).toISOString())).finally(() => (this.#probe = undefined));
    return this.#probe;
  }

  async close(): Promise<void> {
    await this.#writes.flush();
    await this.#checkpointer?.stop();
    if (this.#db.open) this.#db.close();
    if (this.#lock?.open) this.#lock.close();
  }

  /**
   * Throws unless the path still names the file this store opened. When the file is back (moved
   * back), the keys committed to it in the meantime, answered 503, are learned from it again, so
   * that their providers' retries are recognized as re-deliveries.
   */
  #checkFile(): void {
    if (this.#identity === undefined) return;
    if (fileIdentity(this.#path) !== this.#identity) {
      this.#displaced = true;
      throw new StorageUnavailableError(
        `the SQLite database this receiver opened is no longer at ${this.#path} (moved, deleted or replaced): nothing is stored until it is back; if it is gone for good, restart the receiver`,
      );
    }
    if (this.#displaced) {
      this.#displaced = false;
      this.#keys.reload();
    }
  }

  #knownScopeId(scope: Scope): number | undefined {
    return this.#scopes.get(scopeKey(scope)) ?? (this.#sql.findScope.get(scope.environmentId, scope.integrationId) as number | undefined);
  }

  #scopeId(scope: Scope): number {
    const key = scopeKey(scope);
    let id = this.#scopes.get(key);
    if (id === undefined) {
      this.#sql.addScope.run(scope.environmentId, scope.integrationId);
      id = this.#sql.findScope.get(scope.environmentId, scope.integrationId) as number;
      this.#scopes.set(key, id);
    }
    return id;
  }

  #guard<T>(run: () => T): T {
    try {
      return run();
    } catch (thrown) {
      if (thrown instanceof InvalidCursorError) throw thrown;
      throw new StorageUnavailableError(`SQLite failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
}

function scopeKey(scope: Scope): string {
  return `${scope.environmentId}\u0000${scope.integrationId}`;
}
