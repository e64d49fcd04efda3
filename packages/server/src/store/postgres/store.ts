import { randomUUID } from "node:crypto";
import pg from "pg";
import { AdvisoryLocks } from "../advisory-locks.js";
import { judgeClaim, type ClaimRow } from "../claims.js";
import { GroupCommit } from "../group-commit.js";
import type { ActivityPage, ActivityStore, KeptItem, ListQuery, RecentItem, RecentQuery, RejectedItem, StatusCount, StatusCountsQuery } from "../activity.js";
import { HeldClaims, type HeldClaim } from "../held-claims.js";
import {
  parseCursor,
  PRUNE_REJECTED_EVERY,
  StorageUnavailableError,
  storeSettings,
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
} from "../store.js";
import { isUnavailable, transaction } from "./connection.js";
import { PostgresActivity, prepareActivity, touchScopes } from "./activity.js";
import { feedItem, ITEM_COLUMNS, POSTGRES_TIMELINE, postgresFeedQuery, type EventRow } from "./feed.js";
import { newDeliveries } from "../../outbound/payload.js";
import { insertDeliveries, OUTBOX_SCHEMA, PostgresOutbox } from "./outbox.js";
import { FEED_LOCK, SCHEMA } from "./schema.js";
import { completeClaim, insertEvents, insertRequest, pruneRejected } from "./writes.js";

export interface PostgresStoreOptions extends StoreOptions {
  readonly poolSize?: number;
}

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
  readonly outbox: PostgresOutbox;
  #rejectedSincePrune = 0;
  #probe: Promise<void> | undefined;

  private constructor(url: string, options: PostgresStoreOptions) {
    this.#pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client losing its connection must not crash the process; the next query reports it.
    this.#pool.on("error", () => undefined);
    this.outbox = new PostgresOutbox(this.#pool);
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
        await client.query(OUTBOX_SCHEMA);
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
      // The outbox's jobs for the new results, in this same transaction: committed with them or not at
      // all; due from the time the receiver stamped (the worker reads the same clock).
      const delivered = accepted.results.some((result) => result.subscriptions !== undefined && result.subscriptions.length > 0);
      const fresh = await insertEvents(client, accepted, seq, delivered);
      if (fresh.length > 0) await insertDeliveries(client, newDeliveries(accepted, fresh), Date.parse(accepted.request.receivedAt));
      if (accepted.idempotencyKey !== undefined) await completeClaim(client, accepted, pending.claim);
    }
    await touchScopes(client, batch.map(({ record }) => ({ scope: record.scope, receivedAt: record.request.receivedAt })));
    this.#rejectedSincePrune += rejected;
    if (this.#rejectedSincePrune >= PRUNE_REJECTED_EVERY) {
      this.#rejectedSincePrune = 0;
      await pruneRejected(client, this.#maxRejected);
    }
  }

  #transaction<T>(run: (client: pg.PoolClient) => Promise<T>, end: "COMMIT" | "ROLLBACK" = "COMMIT"): Promise<T> {
    return transaction(this.#pool, run, end);
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (thrown) {
      throw new StorageUnavailableError(`PostgreSQL failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
}

