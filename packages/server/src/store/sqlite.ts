import { randomInt } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { startCheckpointer, type Checkpointer } from "./checkpointer.js";
import { judgeClaim, type ClaimRow } from "./claims.js";
import { digest128 } from "./digest.js";
import { GroupCommit } from "./group-commit.js";
import { HeldClaims, type HeldClaim } from "./held-claims.js";
import type { ActivityPage, ActivityStore, KeptItem, ListQuery, RecentItem, RecentQuery, RejectedItem, StatusCount, StatusCountsQuery } from "./activity.js";
import { ACTIVITY_BACKFILL, ActivityTally, createActivityTables, SqliteActivity } from "./sqlite-activity.js";
import { DigestSet, SeenKeys } from "./seen-keys.js";
import {
  bodyBuffer,
  DatabaseNotFoundError,
  InvalidCursorError,
  parseCursor,
  PRUNE_REJECTED_EVERY,
  StorageUnavailableError,
  storeSettings,
  indexColumns,
  isFiltered,
  MAX_TIMELINE,
  type AcceptedRecord,
  type AcceptedResult,
  type FeedItem,
  type FeedPage,
  type FeedQuery,
  type IdempotencyClaim,
  type RejectedRecord,
  type Scope,
  type Store,
  type StoredRequest,
  type StoreOptions,
} from "./store.js";

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

/** The page size of new databases; a file keeps the size it was created with. */
const PAGE_SIZE = 16 * 1024;
const WRITER_CHECKPOINT_BYTES = 32 * 1024 * 1024;

/**
 * `PRAGMA user_version` of this layout: one row per request, its events stored with it, a
 * per-event index row for filtering, and the console's hourly and daily roll-ups. Layouts 3 (without the
 * per-event index) and 4 (without the roll-ups) are migrated on open.
 */
const LAYOUT = 5;
/** A feed cursor is `seq * SLOTS + events already read from that request` (maxEvents is far below). */
const SLOTS = 2 ** 20;

/**
 * One small row per stored result, for the feed's filters and the timeline: \`cursor\` is the
 * result's feed cursor (its request's seq * SLOTS + its index + 1), so the order is the feed's and a
 * result's full content is its request's. Results stored before layout 4 have no row here.
 */
const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  cursor INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  status TEXT NOT NULL,
  event_at INTEGER NOT NULL,
  external_id TEXT,
  correlation_id TEXT,
  recipient TEXT,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_status ON events (scope, status, cursor);
CREATE INDEX IF NOT EXISTS events_external_id ON events (scope, external_id, cursor) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_correlation_id ON events (scope, correlation_id, cursor) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_recipient ON events (scope, recipient, cursor) WHERE recipient IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_event_at ON events (scope, event_at, cursor);
`;

/**
 * A message's events: each half of the union reads its own index (external id, correlation id);
 * sorting outside it keeps the planner from walking the time index instead to save the sort.
 */
export const SQLITE_TIMELINE = `SELECT cursor FROM events WHERE cursor IN (
    SELECT cursor FROM events WHERE scope = :scope AND external_id = :id
    UNION SELECT cursor FROM events WHERE scope = :scope AND correlation_id = :id
  ) ORDER BY event_at, cursor LIMIT :limit`;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  UNIQUE (environment_id, integration_id)
);
-- Accepted requests. Small columns first: reading them (start-up, feed) never touches a large
-- body's overflow pages.
CREATE TABLE requests (
  seq INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  results TEXT,
  kept TEXT,
  body BLOB NOT NULL
);
CREATE INDEX requests_feed ON requests (scope, seq) WHERE result_count > 0;
${EVENTS_SCHEMA}
-- The event keys (128-bit digests) each commit stored, for rebuilding the de-duplication memory at
-- start: one row per commit rather than per request, so a start reads few rows. Pruned past two
-- windows.
CREATE TABLE seen_keys (
  seq INTEGER PRIMARY KEY,
  committed_at INTEGER NOT NULL,
  keys BLOB NOT NULL
);
-- Requests refused (bad signature, malformed body, ...), kept for inspection; the oldest pruned.
CREATE TABLE rejected (
  seq INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE idempotency (
  scope INTEGER NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  response TEXT,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
`;

/** Keys of one transaction, published to the seen set only once the transaction has committed. */
interface Staging {
  readonly set: DigestSet;
  readonly keys: Uint32Array[];
  /** The console's counts and last calls, written once at the end of the transaction. */
  readonly activity: ActivityTally;
}

/**
 * The embedded default store: one SQLite file in WAL mode, one row per request holding its raw
 * body and its normalized events (the feed reads them back in order), writes grouped (see
 * GroupCommit). Re-deliveries are recognized by 128-bit digests of their event keys held in
 * memory and rebuilt from the stored rows at start, so a write never maintains a random-key index;
 * a lock file keeps a second process off the database, since its memory would not see these keys.
 * For the same reason idempotency keys in flight are held in memory (see HeldClaims).
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
  readonly #maxRejected: number;
  readonly #inFlightTtlMs: number;
  readonly #seen: SeenKeys;
  readonly #seed: number;
  readonly #dedupWindowMs: number;
  readonly #scopes = new Map<string, number>();
  readonly #sql;
  readonly #writes: GroupCommit<(staging: Staging) => void>;
  readonly #digest = new Uint32Array(4);
  readonly #statements = new Map<string, Database.Statement>();
  readonly #activity: SqliteActivity;
  #rejectedSincePrune = 0;
  #commitsSincePrune = 0;
  /** Set while the path names another file (or none): the keys committed meanwhile were not added to #seen. */
  #displaced = false;
  #probe: Promise<void> | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    ({ now: this.#now, maxRejected: this.#maxRejected, inFlightTtlMs: this.#inFlightTtlMs } = storeSettings(options));
    const dedupWindowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.#dedupWindowMs = dedupWindowMs;
    this.#path = path;
    // An in-memory database has no file to lock, create or checkpoint.
    const onDisk = path !== ":memory:";
    const create = options.create ?? true;
    if (onDisk && !create && !existsSync(path)) throw new DatabaseNotFoundError(path);
    let lock: Database.Database | undefined;
    let db: Database.Database | undefined;
    try {
      if (onDisk && create) mkdirSync(dirname(path), { recursive: true });
      lock = onDisk ? lockDatabase(`${path}.lock`, path) : undefined;
      db = new Database(path, { fileMustExist: onDisk && !create });
      // Set before the file has its first page, ignored after. A request's row is a few KiB to a few
      // hundred (its body): with 16 KiB pages a commit writes a quarter of the WAL frames (one
      // write of a header and one of a page each) that 4 KiB pages take. SQLite alone: a 100-event
      // batch's row commits in about 160 us instead of 250 (the receiver's figures: BENCHMARKS.md).
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma("journal_mode = WAL");
      // FULL: a commit is on disk before the response that depends on it is sent.
      db.pragma("synchronous = FULL");
      db.pragma("busy_timeout = 5000");
      // The checkpoint worker keeps the WAL short; the writer checkpoints itself only past 32 MiB.
      const pageSize = db.pragma("page_size", { simple: true }) as number;
      db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_BYTES / pageSize}`);
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      this.#seed = prepareLayout(db, path);
      probeWrite(db, path);
    } catch (thrown) {
      db?.close();
      lock?.close();
      if (thrown instanceof StorageUnavailableError) throw thrown;
      throw new StorageUnavailableError(`cannot open SQLite database ${path}: ${(thrown as Error).message}`, { cause: thrown });
    }
    this.#db = db;
    this.#lock = lock;
    this.#identity = onDisk ? fileIdentity(path) : undefined;
    this.#sql = {
      findScope: db.prepare(`SELECT id FROM scopes WHERE environment_id = ? AND integration_id = ?`).pluck(),
      addScope: db.prepare(`INSERT INTO scopes (environment_id, integration_id) VALUES (?, ?) ON CONFLICT DO NOTHING`),
      insertRequest: db.prepare(
        `INSERT INTO requests (scope, received_at, result_count, method, content_type, headers, results, kept, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertRejected: db.prepare(
        `INSERT INTO rejected (scope, received_at, error_code, error_message, method, content_type, headers, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      readClaim: db.prepare(`SELECT fingerprint, state, status_code, response, claimed_at FROM idempotency WHERE scope = ? AND key = ?`),
      storeOutcome: db.prepare(
        `INSERT INTO idempotency (scope, key, fingerprint, state, status_code, response, claimed_at) VALUES (?, ?, ?, 'done', ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'done', status_code = excluded.status_code, response = excluded.response, claimed_at = excluded.claimed_at`,
      ),
      completeClaim: db.prepare(`UPDATE idempotency SET state = 'done', status_code = ?, response = ? WHERE scope = ? AND key = ?`),
      feed: db.prepare(
        `SELECT seq, received_at, results, body FROM requests WHERE scope = ? AND result_count > 0 AND seq >= ? ORDER BY seq LIMIT ?`,
      ),
      // One statement per request, whatever its result count: the rows come as one JSON array.
      insertEvents: db.prepare(
        `INSERT INTO events (cursor, scope, status, event_at, external_id, correlation_id, recipient, received_at)
         SELECT ? + key, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ? FROM json_each(?)`,
      ),
      requestsBySeq: db.prepare(`SELECT seq, received_at, results, body FROM requests WHERE seq IN (SELECT value FROM json_each(?))`),
      timeline: db.prepare(SQLITE_TIMELINE).pluck(),
      insertKeys: db.prepare(`INSERT INTO seen_keys (committed_at, keys) VALUES (?, ?)`),
      recentKeys: db.prepare(`SELECT committed_at, keys FROM seen_keys ORDER BY seq DESC`).raw(),
      // Rows are in commit order: the scan stops at the first one young enough, so a prune reads
      // only what it deletes.
      pruneKeys: db.prepare(`DELETE FROM seen_keys WHERE seq < (SELECT seq FROM seen_keys WHERE committed_at >= ? ORDER BY seq LIMIT 1)`),
      pruneRejected: db.prepare(
        `DELETE FROM rejected WHERE seq <= (SELECT seq FROM rejected ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
      ping: db.prepare(`SELECT 1`),
      probe: db.prepare(PROBE_SQL),
    };
    this.#activity = new SqliteActivity(db, (cursors) => this.#itemsAt(cursors));
    this.#checkpointer = onDisk ? startCheckpointer(path, options.onCheckpointError ?? (() => undefined)) : undefined;
    this.#seen = new SeenKeys(dedupWindowMs, this.#now());
    this.#loadRecentKeys(dedupWindowMs);
    const writeAll = db.transaction((writes: readonly ((staging: Staging) => void)[], staging: Staging, now: number) => {
      for (const write of writes) write(staging);
      this.#activity.write(staging.activity);
      if (staging.keys.length > 0) this.#sql.insertKeys.run(now, concatKeys(staging.keys));
      if (++this.#commitsSincePrune >= 1000) {
        this.#commitsSincePrune = 0;
        this.#sql.pruneKeys.run(now - 2 * dedupWindowMs);
      }
    });
    this.#writes = new GroupCommit({
      engine: "SQLite",
      commit: (writes) => {
        const staging: Staging = { set: new DigestSet(64), keys: [], activity: new ActivityTally() };
        const now = this.#now();
        writeAll(writes, staging, now);
        // Checked after the commit: one that went to a file no longer at the path is not acknowledged.
        this.#checkFile();
        this.#seen.rotate(now);
        for (const keys of staging.keys) for (let at = 0; at < keys.length; at += 4) this.#seen.add(keys, at);
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
    const committed = this.#queueWrite(record.scope, (scopeId, staging) => this.#writeAccepted(scopeId, record, claim, staging));
    return claim === undefined ? committed : committed.finally(() => this.#held.end(record.scope, key!, claim));
  }

  recordRejected(record: RejectedRecord): Promise<void> {
    return this.#queueWrite(record.scope, (scopeId, staging) => {
      const { request } = record;
      this.#sql.insertRejected.run(scopeId, request.receivedAt, record.code, record.message, ...requestColumns(request), bodyBuffer(request.body));
      staging.activity.call(scopeId, request.receivedAt);
      if (++this.#rejectedSincePrune >= PRUNE_REJECTED_EVERY) {
        this.#rejectedSincePrune = 0;
        this.#sql.pruneRejected.run(this.#maxRejected);
      }
    });
  }

  /** Queues a write for the next group commit, its scope's row resolved first: never rolled back with a batch. */
  #queueWrite(scope: Scope, write: (scopeId: number, staging: Staging) => void): Promise<void> {
    let scopeId: number;
    try {
      scopeId = this.#guard(() => this.#scopeId(scope));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    return this.#writes.add((staging) => write(scopeId, staging));
  }

  async feed(scope: Scope, query: FeedQuery): Promise<FeedPage> {
    const { after, limit } = query;
    const cursor = after === undefined ? 0 : parseCursor(after);
    return this.#guard(() => {
      this.#checkFile();
      const scopeId = this.#knownScopeId(scope);
      const data: FeedItem[] = [];
      if (scopeId === undefined) return { data, next: null };
      if (isFiltered(query)) {
        const { sql, params } = sqliteFilteredFeed(scopeId, query, cursor);
        const found = this.#itemsAt(this.#statement(sql).pluck().all(...params) as number[]);
        return { data: found, next: found.length === 0 ? null : found[found.length - 1]!.cursor };
      }
      let fromSeq = Math.floor(cursor / SLOTS);
      let skip = cursor % SLOTS;
      let next: string | null = null;
      while (data.length < limit) {
        const rows = this.#sql.feed.all(scopeId, fromSeq, limit + 1) as FeedRow[];
        for (const row of rows) {
          const results = readResults(row);
          let index = row.seq === fromSeq ? skip : 0;
          for (; index < results.length && data.length < limit; index++) {
            data.push(feedItem(row.seq * SLOTS + index + 1, results[index]!, row.received_at));
          }
          if (data.length === limit) break;
        }
        if (rows.length <= limit) break;
        const last = rows[rows.length - 1]!;
        fromSeq = last.seq + 1;
        skip = 0;
      }
      if (data.length > 0) next = data[data.length - 1]!.cursor;
      return { data, next };
    });
  }

  async timeline(scope: Scope, messageId: string): Promise<readonly FeedItem[]> {
    return this.#guard(() => {
      this.#checkFile();
      const scopeId = this.#knownScopeId(scope);
      if (scopeId === undefined) return [];
      return this.#itemsAt(this.#sql.timeline.all({ scope: scopeId, id: messageId, limit: MAX_TIMELINE }) as number[]);
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

  /** The items at these cursors, in their order, each request row read once. */
  #itemsAt(cursors: readonly number[]): FeedItem[] {
    const seqs = [...new Set(cursors.map((cursor) => Math.floor((cursor - 1) / SLOTS)))];
    const requests = new Map<number, { row: FeedRow; results: StoredItem[] }>();
    for (const row of this.#sql.requestsBySeq.all(JSON.stringify(seqs)) as FeedRow[]) requests.set(row.seq, { row, results: readResults(row) });
    return cursors.map((cursor) => {
      const { row, results } = requests.get(Math.floor((cursor - 1) / SLOTS))!;
      return feedItem(cursor, results[(cursor - 1) % SLOTS]!, row.received_at);
    });
  }

  /** Prepared once per shape of filtered query (which filters, how many statuses). */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async ping(): Promise<void> {
    this.#guard(() => {
      this.#checkFile();
      this.#sql.ping.get();
    });
  }

  /**
   * Commits a one-row write with the requests' next group commit (so it shares their sync) and
   * checks the file, as each commit does. Concurrent checks share one probe.
   */
  probeWrite(): Promise<void> {
    this.#probe ??= this.#writes.add(() => this.#sql.probe.run(new Date(this.#now()).toISOString())).finally(() => (this.#probe = undefined));
    return this.#probe;
  }

  async close(): Promise<void> {
    await this.#writes.flush();
    await this.#checkpointer?.stop();
    if (this.#db.open) this.#db.close();
    if (this.#lock?.open) this.#lock.close();
  }

  #writeAccepted(scopeId: number, record: AcceptedRecord, claim: HeldClaim | undefined, staging: Staging): void {
    const { request, results, ignored, unmapped } = record;
    const keys = new Uint32Array(4 * (results.length + ignored.length + unmapped.length));
    let count = 0;
    /** True (and the key recorded) when this event was not stored before. */
    const isFresh = (kind: string, id: string): boolean => {
      const digest = digest128(`${scopeId}\u0000${kind}\u0000${id}`, this.#seed, this.#digest);
      if (this.#seen.has(digest) || staging.set.has(digest, 0)) return false;
      staging.set.add(digest, 0);
      keys.set(digest, 4 * count++);
      return true;
    };
    const freshResults = results.filter((result) => isFresh("r", result.id));
    const newResults = storedResults(freshResults, record.provider, request.body);
    const newIgnored = ignored.filter((item) => isFresh("i", item.id));
    const newUnmapped = unmapped.filter((item) => isFresh("u", item.id));
    if (newResults.length >= SLOTS) throw new Error(`a request holds ${newResults.length} results; at most ${SLOTS - 1} are stored`);
    const kept = newIgnored.length + newUnmapped.length === 0 ? null : JSON.stringify({ ignored: newIgnored, unmapped: newUnmapped });
    if (count > 0) staging.keys.push(keys.subarray(0, 4 * count));
    const { lastInsertRowid: seq } = this.#sql.insertRequest.run(
      scopeId,
      request.receivedAt,
      newResults.length,
      ...requestColumns(request),
      newResults.length === 0 ? null : JSON.stringify(newResults),
      kept,
      bodyBuffer(request.body),
    );
    if (freshResults.length > 0) {
      this.#sql.insertEvents.run(Number(seq) * SLOTS + 1, scopeId, request.receivedAt, JSON.stringify(freshResults.map(indexColumns)));
      staging.activity.results(scopeId, freshResults);
    }
    staging.activity.call(scopeId, request.receivedAt);
    const { idempotencyKey: key, response } = record;
    if (key === undefined) return;
    // Without a claim held here, only a row an earlier version claimed in the table is completed.
    if (claim === undefined) this.#sql.completeClaim.run(response.statusCode, response.body, scopeId, key);
    else this.#sql.storeOutcome.run(scopeId, key, claim.fingerprint, response.statusCode, response.body, claim.claimedAt);
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
      this.#loadRecentKeys(this.#dedupWindowMs);
    }
  }

  /** The keys committed within the window, newest first, into the seen set. */
  #loadRecentKeys(windowMs: number): void {
    const oldest = this.#now() - windowMs;
    const key = new Uint32Array(4);
    for (const [committedAt, keys] of this.#sql.recentKeys.iterate() as Iterable<[number, Buffer]>) {
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

/**
 * A result as stored: its row, when found verbatim in the request body (the usual case for JSON
 * bodies, whose rows are cut from the body's text), is kept as its span in the body rather than a
 * second copy; otherwise the row stays inline. Halves what a batch writes.
 */
type StoredResult = {
  id: string;
  event: Omit<FeedItem["event"], "row">;
  at?: [number, number];
  details?: FeedItem["details"];
  provider?: string;
  correlationId?: string;
};
/** A stored result with its row restored. */
type StoredItem = Omit<StoredResult, "event" | "at"> & { event: FeedItem["event"] };

function storedResults(results: readonly AcceptedResult[], provider: string, body: Uint8Array): StoredResult[] {
  let text: string | undefined;
  let from = 0;
  let searching = true;
  return results.map(({ id, event, details, correlationId }) => {
    const extra = { ...(details === undefined ? {} : { details }), provider, ...(correlationId === undefined ? {} : { correlationId }) };
    const { row } = event;
    if (searching && row !== undefined) {
      text ??= bodyBuffer(body).toString("utf8");
      const at = text.indexOf(row, from);
      // Rows come in body order; after one miss the rest are kept inline (no quadratic search).
      if (at >= 0) {
        from = at + row.length;
        const { row: _, ...rest } = event;
        return { id, event: rest, at: [at, from], ...extra };
      }
      searching = false;
    }
    return { id, event, ...extra };
  });
}

/** The results of one stored request, rows restored from the body where they were spans. */
function readResults(row: FeedRow): StoredItem[] {
  const stored = JSON.parse(row.results) as StoredResult[];
  let text: string | undefined;
  return stored.map(({ event, at, ...rest }) => {
    if (at === undefined) return { ...rest, event: event as FeedItem["event"] };
    text ??= row.body.toString("utf8");
    return { ...rest, event: { ...event, row: text.slice(at[0], at[1]) } };
  });
}

function feedItem(cursor: number, { id, event, details, provider, correlationId }: StoredItem, receivedAt: string): FeedItem {
  return {
    cursor: String(cursor),
    id,
    event,
    ...(details === undefined ? {} : { details }),
    ...(provider === undefined ? {} : { provider }),
    ...(correlationId === undefined ? {} : { correlationId }),
    receivedAt,
  };
}

/**
 * The cursors a filtered page holds. Each filter is an equality or a range on a column that leads
 * an index after the scope, so the query reads that index rather than the whole scope.
 */
export function sqliteFilteredFeed(scopeId: number, query: FeedQuery, after: number): { sql: string; params: unknown[] } {
  const where = ["scope = ?", "cursor > ?"];
  const params: unknown[] = [scopeId, after];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (query.statuses !== undefined) add(`status IN (${query.statuses.map(() => "?").join(", ")})`, ...query.statuses);
  if (query.externalId !== undefined) add("external_id = ?", query.externalId);
  if (query.correlationId !== undefined) add("correlation_id = ?", query.correlationId);
  if (query.recipient !== undefined) add("recipient = ?", query.recipient);
  if (query.since !== undefined) add("event_at >= ?", query.since);
  if (query.until !== undefined) add("event_at < ?", query.until);
  params.push(query.limit);
  return { sql: `SELECT cursor FROM events WHERE ${where.join(" AND ")} ORDER BY cursor LIMIT ?`, params };
}

interface FeedRow {
  seq: number;
  received_at: string;
  results: string;
  body: Buffer;
}

/** The keys of one commit as little-endian bytes (how loadRecentKeys reads them back). */
function concatKeys(parts: readonly Uint32Array[]): Buffer {
  const bytes = Buffer.allocUnsafe(parts.reduce((n, part) => n + part.length * 4, 0));
  let at = 0;
  for (const part of parts) for (const word of part) at = bytes.writeUInt32LE(word, at);
  return bytes;
}

function scopeKey(scope: Scope): string {
  return `${scope.environmentId}\u0000${scope.integrationId}`;
}

function requestColumns(request: StoredRequest): [string, string, string] {
  return [request.method, request.contentType, JSON.stringify(request.headers)];
}

/**
 * Creates the layout in a new database, or checks an existing one; returns the digest seed kept in
 * `meta`. A database of another layout is refused rather than misread.
 */
function prepareLayout(db: Database.Database, path: string): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).pluck().get() as number;
    if (tables > 0) {
      throw new StorageUnavailableError(
        `${path} holds tables of an earlier Tidings storage layout (one row per event); start with a new database file, or keep using the version that created it`,
      );
    }
    db.transaction(() => {
      db.exec(SCHEMA);
      createActivityTables(db);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('digest_seed', ?)`).run(String(randomInt(0, 2 ** 32)));
      db.pragma(`user_version = ${LAYOUT}`);
    })();
  } else if (version === 3 || version === 4) {
    db.transaction(() => {
      if (version === 3) db.exec(EVENTS_SCHEMA);
      createActivityTables(db);
      db.exec(ACTIVITY_BACKFILL);
      db.pragma(`user_version = ${LAYOUT}`);
    })();
  } else if (version !== LAYOUT) {
    throw new StorageUnavailableError(`${path} has storage layout ${version}; this version of Tidings reads layout ${LAYOUT}`);
  }
  return Number(db.prepare(`SELECT value FROM meta WHERE key = 'digest_seed'`).pluck().get());
}

/**
 * Holds an exclusive lock on a companion file for the life of the store, so that a second
 * process cannot write the same database (its de-duplication memory would not see this one's
 * keys). Readers of the database itself (backups, the sqlite3 shell) are not blocked.
 */
function lockDatabase(lockPath: string, path: string): Database.Database {
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE");
    return lock;
  } catch (thrown) {
    lock.close();
    const busy = (thrown as { code?: string }).code === "SQLITE_BUSY";
    throw new StorageUnavailableError(
      busy ? `${path} is in use by another Tidings process (lock ${lockPath}); point each process at its own database, or use PostgreSQL for several` : `cannot lock ${lockPath}: ${(thrown as Error).message}`,
      { cause: thrown },
    );
  }
}

/** The one-row write a probe commits (see probeWrite). */
const PROBE_SQL = `INSERT INTO meta (key, value) VALUES ('write_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * SQLite opens a file it may not write read-only, without a word, and fails each write later: a
 * start on such a database is refused here instead, with the reason.
 */
function probeWrite(db: Database.Database, path: string): void {
  try {
    db.prepare(PROBE_SQL).run(new Date().toISOString());
  } catch (thrown) {
    throw new StorageUnavailableError(
      `cannot write to SQLite database ${path}: ${(thrown as Error).message} (the receiver's user needs write access to the file and its directory, on a file system mounted read-write)`,
      { cause: thrown },
    );
  }
}

/** Device and inode of the file at `path`, or undefined when there is none. */
function fileIdentity(path: string): string | undefined {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`;
}

/** Errors that mean the database itself is unusable, as opposed to one record's problem. */
function isStorageFault(thrown: unknown): boolean {
  if (thrown instanceof StorageUnavailableError) return true;
  const code = (thrown as { code?: unknown })?.code;
  return typeof code === "string" && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PERM|NOMEM)/.test(code);
}
