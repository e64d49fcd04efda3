import { randomUUID } from "node:crypto";
import pg from "pg";
import { AdvisoryLocks } from "./advisory-locks.js";
import type { ActivityPage, ActivityStore, KeptItem, ListQuery, RecentItem, RecentQuery, RejectedItem, StatusCount, StatusCountsQuery } from "./activity.js";
import { PostgresActivity, prepareActivity, touchScopes, withRollup } from "./postgres-activity.js";
import { judgeClaim, type ClaimRow } from "./claims.js";
import { GroupCommit } from "./group-commit.js";
import { HeldClaims, type HeldClaim } from "./held-claims.js";
import {
  bodyBuffer,
  parseCursor,
  PRUNE_REJECTED_EVERY,
  StorageUnavailableError,
  storeSettings,
  indexColumns,
  MAX_TIMELINE,
  type AcceptedRecord,
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

export interface PostgresStoreOptions extends StoreOptions {
  readonly poolSize?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tidings_requests (
  seq BIGSERIAL PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
  error_code TEXT,
  error_message TEXT,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers JSONB NOT NULL,
  body BYTEA NOT NULL,
  received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS tidings_requests_rejected ON tidings_requests (outcome, seq);
CREATE TABLE IF NOT EXISTS tidings_events (
  seq BIGSERIAL PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('result', 'ignored', 'unmapped')),
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  request_seq BIGINT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  UNIQUE (environment_id, integration_id, kind, id)
);
CREATE INDEX IF NOT EXISTS tidings_events_feed ON tidings_events (environment_id, integration_id, kind, seq);
-- Contract v2: each result's details, provider and correlation id, and the columns the feed's
-- filters and the timeline read, each behind an index that leads with the scope. Results stored
-- before these columns existed have them null.
ALTER TABLE tidings_events
  ADD COLUMN IF NOT EXISTS provider TEXT,
  ADD COLUMN IF NOT EXISTS details TEXT,
  ADD COLUMN IF NOT EXISTS status TEXT,
  ADD COLUMN IF NOT EXISTS event_at BIGINT,
  ADD COLUMN IF NOT EXISTS external_id TEXT,
  ADD COLUMN IF NOT EXISTS correlation_id TEXT,
  ADD COLUMN IF NOT EXISTS recipient TEXT;
CREATE INDEX IF NOT EXISTS tidings_events_status ON tidings_events (environment_id, integration_id, status, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_external_id ON tidings_events (environment_id, integration_id, external_id, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_correlation_id ON tidings_events (environment_id, integration_id, correlation_id, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_recipient ON tidings_events (environment_id, integration_id, recipient, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_event_at ON tidings_events (environment_id, integration_id, event_at, seq) WHERE kind = 'result';
CREATE TABLE IF NOT EXISTS tidings_idempotency (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  response TEXT,
  claimed_at BIGINT NOT NULL,
  PRIMARY KEY (environment_id, integration_id, key)
);
`;

/**
 * Commits that insert feed rows take this transaction-scoped advisory lock, so feed sequence
 * numbers become visible in the order they were assigned, across every instance: a reader never
 * sees seq 10 while seq 9 is still in flight and then skips it.
 */
const FEED_LOCK = 0x7469_6469; // "tidi"

const CONNECT_TIMEOUT_MS = 5_000;

/** What the write probe inserts (and rolls back): no configured environment has an empty id. */
const PROBE_SCOPE: Scope = { environmentId: "", integrationId: "" };
const PROBE_REQUEST: StoredRequest = { method: "PROBE", contentType: "", headers: {}, body: new Uint8Array(0), receivedAt: new Date(0).toISOString() };

type Pending = { readonly record: AcceptedRecord | RejectedRecord; readonly accepted: boolean; readonly claim?: HeldClaim };

/**
 * PostgreSQL store for several receiver instances on one database: uniqueness lives in
 * constraints (result ids, idempotency keys), never in a process's memory. Writes from concurrent
 * requests of one instance share a transaction (see GroupCommit). An idempotency key in flight is
 * held in this process's memory and, for the other instances, by a session advisory lock; only
 * its outcome is stored, in the transaction that stores its request.
 */
export class PostgresStore implements Store, ActivityStore {
  readonly #pool: pg.Pool;
  readonly #locks: AdvisoryLocks;
  readonly #held = new HeldClaims();
  readonly #now: () => number;
  readonly #maxRejected: number;
  readonly #inFlightTtlMs: number;
  readonly #writes: GroupCommit<Pending>;
  readonly #activity = new PostgresActivity((sql, params) => this.#guard(() => this.#pool.query(sql, params)), ITEM_COLUMNS, feedItem);
  #rejectedSincePrune = 0;
  #probe: Promise<void> | undefined;

  private constructor(url: string, options: PostgresStoreOptions) {
    this.#pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.#pool.on("error", () => undefined);
    this.#locks = new AdvisoryLocks({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    ({ now: this.#now, maxRejected: this.#maxRejected, inFlightTtlMs: this.#inFlightTtlMs } = storeSettings(options));
    this.#writes = new GroupCommit({
      engine: "PostgreSQL",
      commit: (batch) => this.#transaction((client) => this.#write(client, batch)),
      isStorageFault: isUnavailable,
    });
  }

  /**
   * Connects, creates the tables when missing (several instances may start at once) and checks
   * that this role can write them: a database it may only read is refused here, not request by request.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.#transaction(async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1)", [FEED_LOCK + 1]);
        await client.query(SCHEMA);
        await prepareActivity(client);
      });
      await store.#probeWrite().catch((thrown: Error) => {
        throw new StorageUnavailableError(`cannot write to the PostgreSQL database: ${thrown.message}`, { cause: thrown });
      });
    } catch (thrown) {
      await store.#pool.end().catch(() => undefined);
      throw thrown;
    }
    return store;
  }

  async claimIdempotencyKey(scope: Scope, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const now = this.#now();
    const held = this.#held.get(scope, key);
    if (held !== undefined) {
      const verdict = judgeClaim(held, fingerprint, now, this.#inFlightTtlMs);
      if (verdict !== "free") return verdict;
      // This process's own claim, past its TTL: taken over, with the lock it already holds.
      this.#held.hold(scope, key, fingerprint, now);
      return { kind: "claimed" };
    }
    // Held before the first await, so that a concurrent request of this process sees it.
    const claim = this.#held.hold(scope, key, fingerprint, now);
    try {
      const unlock = await this.#locks.tryLock(`${scope.environmentId}\u0000${scope.integrationId}\u0000${key}`);
      if (this.#held.get(scope, key) !== claim) {
        // Released (or taken over) while the lock was being taken: nobody is left to release it.
        unlock?.();
        return { kind: "in_flight" };
      }
      if (unlock === undefined) {
        this.#held.end(scope, key, claim);
        return { kind: "in_flight" };
      }
      claim.onEnd = unlock;
      // Read after the lock is taken: a request that held it committed its outcome before releasing it.
      const { rows } = await this.#pool.query(
        `SELECT fingerprint, state, status_code, response, claimed_at FROM tidings_idempotency WHERE environment_id = $1 AND integration_id = $2 AND key = $3`,
        [scope.environmentId, scope.integrationId, key],
      );
      const verdict = judgeClaim(rows[0] as ClaimRow | undefined, fingerprint, now, this.#inFlightTtlMs);
      if (verdict === "free") return { kind: "claimed" };
      this.#held.end(scope, key, claim);
      return verdict;
    } catch (thrown) {
      this.#held.end(scope, key, claim);
      throw new StorageUnavailableError(`PostgreSQL failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }

  async releaseIdempotencyKey(scope: Scope, key: string): Promise<void> {
    this.#held.end(scope, key);
  }

  /** Stores the record with its idempotency key's outcome; the key's claim ends either way. */
  commitAccepted(record: AcceptedRecord): Promise<void> {
    const key = record.idempotencyKey;
    const claim = key === undefined ? undefined : this.#held.get(record.scope, key);
    const committed = this.#writes.add({ record, accepted: true, ...(claim === undefined ? {} : { claim }) });
    return claim === undefined ? committed : committed.finally(() => this.#held.end(record.scope, key!, claim));
  }

  recordRejected(record: RejectedRecord): Promise<void> {
    return this.#writes.add({ record, accepted: false });
  }

  async feed(scope: Scope, query: FeedQuery): Promise<FeedPage> {
    const cursor = query.after === undefined ? 0 : parseCursor(query.after);
    const { sql, params } = postgresFeedQuery(scope, query, cursor);
    const { rows } = await this.#guard(() => this.#pool.query(sql, params));
    const data = (rows as EventRow[]).map(feedItem);
    return { data, next: data.length === 0 ? null : data[data.length - 1]!.cursor };
  }

  async timeline(scope: Scope, messageId: string): Promise<readonly FeedItem[]> {
    const { rows } = await this.#guard(() =>
      this.#pool.query(POSTGRES_TIMELINE, [scope.environmentId, scope.integrationId, messageId, MAX_TIMELINE]),
    );
    return (rows as EventRow[]).map(feedItem);
  }

  recent(environmentId: string, query: RecentQuery): Promise<ActivityPage<RecentItem>> {
    return this.#activity.recent(environmentId, query);
  }

  statusCounts(environmentId: string, query: StatusCountsQuery): Promise<readonly StatusCount[]> {
    return this.#activity.statusCounts(environmentId, query);
  }

  lastCalls(environmentId: string): Promise<ReadonlyMap<string, string>> {
    return this.#activity.lastCalls(environmentId);
  }

  rejected(environmentId: string, query: ListQuery): Promise<ActivityPage<RejectedItem>> {
    return this.#activity.rejected(environmentId, query);
  }

  kept(environmentId: string, query: ListQuery): Promise<ActivityPage<KeptItem>> {
    return this.#activity.kept(environmentId, query);
  }

  async ping(): Promise<void> {
    await this.#guard(() => this.#pool.query("SELECT 1"));
  }

  /** Concurrent checks share one probe, so a flood of health checks costs one transaction at a time. */
  probeWrite(): Promise<void> {
    this.#probe ??= this.#guard(() => this.#probeWrite()).finally(() => (this.#probe = undefined));
    return this.#probe;
  }

  async close(): Promise<void> {
    await this.#writes.flush();
    await this.#locks.close();
    await this.#pool.end();
  }

  /**
   * Inserts a row into each table and rolls back: the privileges, a read-only database or
   * transaction, a table that cannot grow and the connection all fail it as they would fail a
   * request's commit, and nothing stays behind. (PostgreSQL meets a full WAL disk by restarting,
   * which fails it too.) The environment id is empty, which no configured environment has.
   */
  async #probeWrite(): Promise<void> {
    const probe = randomUUID();
    await this.#transaction(async (client) => {
      const seq = await insertRequest(client, PROBE_SCOPE, PROBE_REQUEST, null);
      await client.query(
        `INSERT INTO tidings_events (environment_id, integration_id, kind, id, body, request_seq, received_at) VALUES ('', '', 'result', $1, '', $2, now())`,
        [probe, seq],
      );
      await client.query(
        `INSERT INTO tidings_idempotency (environment_id, integration_id, key, fingerprint, state, claimed_at) VALUES ('', '', $1, '', 'done', 0)`,
        [probe],
      );
    }, "ROLLBACK");
  }

  async #write(client: pg.PoolClient, batch: readonly Pending[]): Promise<void> {
    if (batch.some((p) => p.accepted)) await client.query("SELECT pg_advisory_xact_lock($1)", [FEED_LOCK]);
    let rejected = 0;
    for (const pending of batch) {
      const { record } = pending;
      const seq = await insertRequest(client, record.scope, record.request, pending.accepted ? null : (record as RejectedRecord));
      if (!pending.accepted) {
        rejected++;
        continue;
      }
      const accepted = record as AcceptedRecord;
      const none = [null, null, null, null, null, null, null] as const;
      const rows: (readonly unknown[])[] = [
        ...accepted.results.map((r) => ["result", r.id, JSON.stringify(r.event), accepted.provider, r.details === undefined ? null : JSON.stringify(r.details), ...indexColumns(r)]),
        ...accepted.ignored.map((i) => ["ignored", i.id, JSON.stringify(i), ...none]),
        ...accepted.unmapped.map((u) => ["unmapped", u.id, JSON.stringify(u), ...none]),
      ];
      if (rows.length > 0) {
        // One statement per request: each column travels as one array.
        // The results inserted (re-deliveries are not) count in the console's roll-ups.
        await client.query(
          withRollup(`INSERT INTO tidings_events (environment_id, integration_id, request_seq, received_at, kind, id, body, provider, details, status, event_at, external_id, correlation_id, recipient)
           SELECT $1, $2, $3, $4, t.* FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[])
             AS t(kind, id, body, provider, details, status, event_at, external_id, correlation_id, recipient)
           ON CONFLICT (environment_id, integration_id, kind, id) DO NOTHING`),
          [accepted.scope.environmentId, accepted.scope.integrationId, seq, accepted.request.receivedAt, ...COLUMNS.map((_, c) => rows.map((r) => r[c]))],
        );
      }
      if (accepted.idempotencyKey !== undefined) await completeClaim(client, accepted, pending.claim);
    }
    await touchScopes(client, batch.map(({ record }) => ({ scope: record.scope, receivedAt: record.request.receivedAt })));
    this.#rejectedSincePrune += rejected;
    if (this.#rejectedSincePrune >= PRUNE_REJECTED_EVERY) {
      this.#rejectedSincePrune = 0;
      await client.query(
        `DELETE FROM tidings_requests WHERE outcome = 'rejected' AND seq <= (SELECT seq FROM tidings_requests WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1 OFFSET $1)`,
        [this.#maxRejected],
      );
    }
  }

  async #transaction<T>(run: (client: pg.PoolClient) => Promise<T>, end: "COMMIT" | "ROLLBACK" = "COMMIT"): Promise<T> {
    const checkout = await this.#checkout();
    const { client } = checkout;
    try {
      await client.query("BEGIN");
      const result = await run(client);
      await client.query(end);
      return result;
    } catch (thrown) {
      if (checkout.broken() === undefined) await client.query("ROLLBACK").catch((error: Error) => checkout.release(error));
      throw thrown;
    } finally {
      checkout.release();
    }
  }

  /**
   * A client from the pool that hears its own connection's errors. The pool listens only to idle
   * clients; a client that loses its connection while checked out (a database restart,
   * pg_terminate_backend) emits an error event, which would be thrown and end the process if
   * nothing listened. Listening starts inside the pool's callback: the error can come in the same
   * read as the connection's first ready message, before an awaiting caller resumes.
   */
  #checkout(): Promise<Checkout> {
    return new Promise((resolve, reject) => {
      this.#pool.connect((failure, client) => {
        if (failure || client === undefined) {
          reject(failure ?? new Error("the pool gave no client"));
          return;
        }
        let broken: Error | undefined;
        let released = false;
        const onError = (error: Error) => {
          broken ??= error;
        };
        client.on("error", onError);
        resolve({
          client,
          broken: () => broken,
          release: (error) => {
            if (released) return;
            released = true;
            client.off("error", onError);
            // A client with an error is closed rather than handed to the next transaction.
            client.release(broken ?? error);
          },
        });
      });
    });
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (thrown) {
      throw new StorageUnavailableError(`PostgreSQL failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
}

/** The per-row values of an event insert, in the order of its unnest arrays. */
const COLUMNS = ["kind", "id", "body", "provider", "details", "status", "event_at", "external_id", "correlation_id", "recipient"] as const;

const ITEM_COLUMNS = "seq, id, body, details, provider, correlation_id, received_at, event_at";

/** A message's events: each half reads its own index (external id, correlation id). */
export const POSTGRES_TIMELINE = `SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE environment_id = $1 AND integration_id = $2 AND kind = 'result' AND external_id = $3
  UNION
  SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE environment_id = $1 AND integration_id = $2 AND kind = 'result' AND correlation_id = $3
  ORDER BY event_at, seq LIMIT $4`;

interface EventRow {
  seq: string;
  id: string;
  body: string;
  details: string | null;
  provider: string | null;
  correlation_id: string | null;
  received_at: Date;
}

function feedItem(row: EventRow): FeedItem {
  return {
    cursor: String(row.seq),
    id: row.id,
    event: JSON.parse(row.body),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) }),
    ...(row.provider === null ? {} : { provider: row.provider }),
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    receivedAt: row.received_at.toISOString(),
  };
}

/**
 * A page of the feed. Each filter is an equality or a range on a column that follows the scope in
 * one of the partial indexes (kind = 'result'), so a filtered page reads that index.
 */
export function postgresFeedQuery(scope: Scope, query: FeedQuery, after: number): { sql: string; params: unknown[] } {
  const where = ["environment_id = $1", "integration_id = $2", "kind = 'result'", "seq > $3"];
  const params: unknown[] = [scope.environmentId, scope.integrationId, after];
  const add = (clause: (at: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (query.statuses !== undefined) add((at) => `status = ANY(${at}::text[])`, query.statuses);
  if (query.externalId !== undefined) add((at) => `external_id = ${at}`, query.externalId);
  if (query.correlationId !== undefined) add((at) => `correlation_id = ${at}`, query.correlationId);
  if (query.recipient !== undefined) add((at) => `recipient = ${at}`, query.recipient);
  if (query.since !== undefined) add((at) => `event_at >= ${at}`, query.since);
  if (query.until !== undefined) add((at) => `event_at < ${at}`, query.until);
  params.push(query.limit);
  return { sql: `SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${params.length}`, params };
}

async function insertRequest(client: pg.PoolClient, scope: Scope, request: StoredRequest, rejected: RejectedRecord | null): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO tidings_requests (environment_id, integration_id, outcome, error_code, error_message, method, content_type, headers, body, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
    [
      scope.environmentId,
      scope.integrationId,
      rejected === null ? "accepted" : "rejected",
      rejected?.code ?? null,
      rejected?.message ?? null,
      request.method,
      request.contentType,
      JSON.stringify(request.headers),
      bodyBuffer(request.body),
      request.receivedAt,
    ],
  );
  return String((rows[0] as { seq: string }).seq);
}

interface Checkout {
  readonly client: pg.PoolClient;
  /** The connection error the client has had, if any. */
  readonly broken: () => Error | undefined;
  /** Back to the pool (once); closed instead when it had an error or `error` is given. */
  readonly release: (error?: Error) => void;
}

/**
 * The outcome of an idempotency key, stored with its request. A claim held by this process knows
 * the fingerprint; a key without one only completes a row an earlier version claimed in the table.
 */
async function completeClaim(client: pg.PoolClient, record: AcceptedRecord, claim: HeldClaim | undefined): Promise<void> {
  const { scope, response } = record;
  if (claim === undefined) {
    await client.query(
      `UPDATE tidings_idempotency SET state = 'done', status_code = $1, response = $2 WHERE environment_id = $3 AND integration_id = $4 AND key = $5`,
      [response.statusCode, response.body, scope.environmentId, scope.integrationId, record.idempotencyKey],
    );
    return;
  }
  await client.query(
    `INSERT INTO tidings_idempotency (environment_id, integration_id, key, fingerprint, state, status_code, response, claimed_at)
     VALUES ($1, $2, $3, $4, 'done', $5, $6, $7)
     ON CONFLICT (environment_id, integration_id, key) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, state = 'done', status_code = EXCLUDED.status_code, response = EXCLUDED.response, claimed_at = EXCLUDED.claimed_at`,
    [scope.environmentId, scope.integrationId, record.idempotencyKey, claim.fingerprint, response.statusCode, response.body, claim.claimedAt],
  );
}

/** Errors that mean the database cannot be used right now, as opposed to one record's problem. */
function isUnavailable(thrown: unknown): boolean {
  const code = (thrown as { code?: unknown })?.code;
  if (typeof code !== "string") return true;
  // 08: connection exception; 53: insufficient resources; 57: operator intervention; 58: system error.
  return /^(08|53|57|58|XX)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code);
}
