import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { judgeExistingClaim, type ClaimRow } from "./claims.js";
import { GroupCommit } from "./group-commit.js";
import {
  InvalidCursorError,
  StorageUnavailableError,
  type AcceptedRecord,
  type FeedPage,
  type IdempotencyClaim,
  type RejectedRecord,
  type Scope,
  type Store,
  type StoredRequest,
} from "./store.js";

export interface SqliteStoreOptions {
  /** Rejected requests kept for inspection; the oldest beyond this are pruned. */
  readonly maxRejected?: number;
  /** An in-flight idempotency claim older than this is treated as abandoned (its process died). */
  readonly inFlightTtlMs?: number;
  readonly now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
  error_code TEXT,
  error_message TEXT,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_rejected ON requests (outcome, seq);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('result', 'ignored', 'unmapped')),
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  request_seq INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (environment_id, integration_id, kind, id)
);
CREATE INDEX IF NOT EXISTS events_feed ON events (environment_id, integration_id, kind, seq);
CREATE TABLE IF NOT EXISTS idempotency (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  response TEXT,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (environment_id, integration_id, key)
);
`;

/** The embedded default store: one SQLite file in WAL mode, writes grouped (see GroupCommit). */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #maxRejected: number;
  readonly #inFlightTtlMs: number;
  readonly #sql;
  readonly #writes: GroupCommit<() => void>;
  #rejectedSincePrune = 0;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    try {
      this.#db = new Database(path);
      this.#db.pragma("journal_mode = WAL");
      // FULL: a commit is on disk before the response that depends on it is sent.
      this.#db.pragma(`synchronous = ${process.env.TIDINGS_SQLITE_SYNC ?? "FULL"}`);
      this.#db.pragma("busy_timeout = 5000");
      this.#db.exec(SCHEMA);
    } catch (thrown) {
      throw new StorageUnavailableError(`cannot open SQLite database ${path}: ${(thrown as Error).message}`, { cause: thrown });
    }
    this.#now = options.now ?? Date.now;
    this.#maxRejected = options.maxRejected ?? 10_000;
    this.#inFlightTtlMs = options.inFlightTtlMs ?? 60_000;
    const db = this.#db;
    this.#writes = new GroupCommit({
      engine: "SQLite",
      commit: (writes) => db.transaction(() => writes.forEach((write) => write()))(),
      isStorageFault,
    });
    this.#sql = {
      insertRequest: db.prepare(
        `INSERT INTO requests (environment_id, integration_id, outcome, error_code, error_message, method, content_type, headers, body, received_at)
         VALUES (@environmentId, @integrationId, @outcome, @errorCode, @errorMessage, @method, @contentType, @headers, @body, @receivedAt)`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (environment_id, integration_id, kind, id, body, request_seq, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (environment_id, integration_id, kind, id) DO NOTHING`,
      ),
      claim: db.prepare(
        `INSERT INTO idempotency (environment_id, integration_id, key, fingerprint, state, claimed_at)
         VALUES (?, ?, ?, ?, 'in_flight', ?) ON CONFLICT DO NOTHING`,
      ),
      readClaim: db.prepare(`SELECT fingerprint, state, status_code, response, claimed_at FROM idempotency WHERE environment_id = ? AND integration_id = ? AND key = ?`),
      takeOver: db.prepare(`UPDATE idempotency SET claimed_at = ? WHERE environment_id = ? AND integration_id = ? AND key = ? AND state = 'in_flight' AND claimed_at = ?`),
      completeClaim: db.prepare(
        `UPDATE idempotency SET state = 'done', status_code = ?, response = ? WHERE environment_id = ? AND integration_id = ? AND key = ?`,
      ),
      releaseClaim: db.prepare(`DELETE FROM idempotency WHERE environment_id = ? AND integration_id = ? AND key = ? AND state = 'in_flight'`),
      feed: db.prepare(
        `SELECT seq, id, body, received_at FROM events WHERE environment_id = ? AND integration_id = ? AND kind = 'result' AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      pruneRejected: db.prepare(
        `DELETE FROM requests WHERE outcome = 'rejected' AND seq <= (SELECT seq FROM requests WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ),
      ping: db.prepare(`SELECT 1`),
    };
  }

  async claimIdempotencyKey(scope: Scope, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    return this.#guard(() =>
      this.#db.transaction((): IdempotencyClaim => {
        const now = this.#now();
        if (this.#sql.claim.run(scope.environmentId, scope.integrationId, key, fingerprint, now).changes === 1) return { kind: "claimed" };
        const row = this.#sql.readClaim.get(scope.environmentId, scope.integrationId, key) as ClaimRow | undefined;
        const verdict = judgeExistingClaim(row, fingerprint, now, this.#inFlightTtlMs);
        if (verdict !== "take_over") return verdict;
        const taken = this.#sql.takeOver.run(now, scope.environmentId, scope.integrationId, key, row!.claimed_at).changes === 1;
        return taken ? { kind: "claimed" } : { kind: "in_flight" };
      }).immediate(),
    );
  }

  async releaseIdempotencyKey(scope: Scope, key: string): Promise<void> {
    this.#guard(() => this.#sql.releaseClaim.run(scope.environmentId, scope.integrationId, key));
  }

  commitAccepted(record: AcceptedRecord): Promise<void> {
    return this.#writes.add(() => {
      const { scope, request } = record;
      const seq = this.#insertRequest(scope, request, "accepted", null, null);
      const insert = (kind: string, id: string, body: string) =>
        this.#sql.insertEvent.run(scope.environmentId, scope.integrationId, kind, id, body, seq, request.receivedAt);
      for (const result of record.results) insert("result", result.id, JSON.stringify(result.event));
      for (const item of record.ignored) insert("ignored", item.id, JSON.stringify(item));
      for (const item of record.unmapped) insert("unmapped", item.id, JSON.stringify(item));
      if (record.idempotencyKey !== undefined) {
        this.#sql.completeClaim.run(record.response.statusCode, record.response.body, scope.environmentId, scope.integrationId, record.idempotencyKey);
      }
    });
  }

  recordRejected(record: RejectedRecord): Promise<void> {
    return this.#writes.add(() => {
      this.#insertRequest(record.scope, record.request, "rejected", record.code, record.message);
      if (++this.#rejectedSincePrune >= 100) {
        this.#rejectedSincePrune = 0;
        this.#sql.pruneRejected.run(this.#maxRejected);
      }
    });
  }

  async feed(scope: Scope, after: string | undefined, limit: number): Promise<FeedPage> {
    const from = after === undefined ? 0 : parseCursor(after);
    const rows = this.#guard(() => this.#sql.feed.all(scope.environmentId, scope.integrationId, from, limit) as FeedRow[]);
    const data = rows.map((row) => ({ cursor: String(row.seq), id: row.id, event: JSON.parse(row.body), receivedAt: row.received_at }));
    return { data, next: data.length === 0 ? null : data[data.length - 1]!.cursor };
  }

  async ping(): Promise<void> {
    this.#guard(() => this.#sql.ping.get());
  }

  async close(): Promise<void> {
    await this.#writes.flush();
    if (this.#db.open) this.#db.close();
  }

  #insertRequest(scope: Scope, request: StoredRequest, outcome: string, errorCode: string | null, errorMessage: string | null): number {
    const info = this.#sql.insertRequest.run({
      environmentId: scope.environmentId,
      integrationId: scope.integrationId,
      outcome,
      errorCode,
      errorMessage,
      method: request.method,
      contentType: request.contentType,
      headers: JSON.stringify(request.headers),
      body: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
      receivedAt: request.receivedAt,
    });
    return Number(info.lastInsertRowid);
  }

  #guard<T>(run: () => T): T {
    try {
      return run();
    } catch (thrown) {
      throw new StorageUnavailableError(`SQLite failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
}

interface FeedRow {
  seq: number;
  id: string;
  body: string;
  received_at: string;
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw new InvalidCursorError(`"${cursor}" is not a feed cursor`);
  return Number(cursor);
}

/** Errors that mean the database itself is unusable, as opposed to one record's problem. */
function isStorageFault(thrown: unknown): boolean {
  const code = (thrown as { code?: unknown })?.code;
  return typeof code === "string" && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PERM|NOMEM)/.test(code);
}
