import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { NewDelivery } from "../../outbound/payload.js";
import { StorageUnavailableError } from "../store.js";
import { deliveryPage, type AttemptListRow, type AttemptOutcome, type AttemptRecord, type ClaimedDelivery, type DeliveryListRow, type DeliveryState, type DeliveryView, type Outbox, type OutboxSize } from "../outbox.js";
import { transaction } from "./connection.js";

export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS tidings_deliveries (
  id BIGSERIAL PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  lease_token TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tidings_deliveries_due ON tidings_deliveries (subscription_id, next_at, id) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS tidings_deliveries_dead ON tidings_deliveries (id) WHERE state = 'dead';
CREATE INDEX IF NOT EXISTS tidings_deliveries_by_subscription ON tidings_deliveries (subscription_id, id);
CREATE INDEX IF NOT EXISTS tidings_deliveries_delivered_at ON tidings_deliveries (updated_at) WHERE state = 'delivered';
CREATE INDEX IF NOT EXISTS tidings_deliveries_dead_at ON tidings_deliveries (updated_at) WHERE state = 'dead';
CREATE TABLE IF NOT EXISTS tidings_delivery_attempts (
  delivery_id BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  at BIGINT NOT NULL,
  status_code INTEGER,
  latency_ms INTEGER NOT NULL,
  error TEXT,
  response TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE IF NOT EXISTS tidings_disabled_subscriptions (
  subscription_id TEXT PRIMARY KEY,
  disabled_at BIGINT NOT NULL,
  reason TEXT NOT NULL
);
`;

/** Inside a request's transaction: its deliveries are committed with its events, or not at all. One statement for all. */
export async function insertDeliveries(client: pg.PoolClient | pg.Pool, deliveries: readonly NewDelivery[], now: number): Promise<void> {
  if (deliveries.length === 0) return;
  const column = (pick: (d: NewDelivery) => string) => deliveries.map(pick);
  await client.query(
    `INSERT INTO tidings_deliveries (subscription_id, message_id, environment_id, integration_id, event_id, payload, state, next_at, created_at, updated_at)
     SELECT t.*, 'pending', $7, $7, $7 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS t(subscription_id, message_id, environment_id, integration_id, event_id, payload)`,
    [
      column((d) => d.subscriptionId),
      column((d) => d.messageId),
      column((d) => d.environmentId),
      column((d) => d.integrationId),
      column((d) => d.eventId),
      column((d) => d.payload),
      now,
    ],
  );
}

/**
 * The PostgreSQL outbox, shared by every instance on the database. A claim is one statement that
 * leases due jobs, `FOR UPDATE SKIP LOCKED` so that instances claiming at once take different
 * jobs instead of waiting for each other; the lease (not a held transaction) covers the attempt, so
 * a job whose instance died is due again once its lease ends, and a claim that outlived its lease
 * records nothing.
 */
export class PostgresOutbox implements Outbox {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async claim(subscriptionId: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const token = randomUUID();
    const { rows } = await this.#guard(() =>
      this.#pool.query(
        `UPDATE tidings_deliveries SET lease_until = $4, lease_token = $5
         WHERE id IN (
           SELECT id FROM tidings_deliveries
           WHERE subscription_id = $1 AND state = 'pending' AND next_at <= $2 AND lease_until <= $2
             AND NOT EXISTS (SELECT 1 FROM tidings_disabled_subscriptions WHERE subscription_id = $1)
           ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, subscription_id, message_id, payload, attempts`,
        [subscriptionId, now, limit, now + leaseMs, token],
      ),
    );
    return (rows as { id: string; subscription_id: string; message_id: string; payload: string; attempts: number }[]).map((row) => ({
      id: String(row.id),
      subscriptionId: row.subscription_id,
      messageId: row.message_id,
      payload: row.payload,
      attempts: row.attempts,
      leaseToken: token,
    }));
  }

  /**
   * One statement in a transaction committed without waiting for its WAL flush (`synchronous_commit
   * = off`), as SQLite records attempts without a sync: a record lost to a crash of the database
   * only repeats a delivery, which at-least-once allows, and the requests' commits do not share
   * their flushes with every attempt's.
   */
  record(job: ClaimedDelivery, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<boolean> {
    const nextAt = outcome.state === "pending" ? outcome.nextAt : 0;
    const disable = outcome.state === "dead" ? (outcome.disableSubscription ?? null) : null;
    return this.#guard(() =>
      transaction(this.#pool, async (client) => {
        await client.query(`SET LOCAL synchronous_commit = off`);
        const { rows } = await client.query(
          `WITH finished AS (
             UPDATE tidings_deliveries SET state = $1, attempts = attempts + 1, next_at = $2, lease_until = 0, lease_token = NULL, updated_at = $3
             WHERE id = $4 AND lease_token = $5 RETURNING id),
           attempt AS (
             INSERT INTO tidings_delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, error, response)
             SELECT id, $6, $3, $7, $8, $9, $10 FROM finished
             ON CONFLICT (delivery_id, attempt) DO UPDATE SET at = EXCLUDED.at, status_code = EXCLUDED.status_code, latency_ms = EXCLUDED.latency_ms, error = EXCLUDED.error, response = EXCLUDED.response),
           disabling AS (
             INSERT INTO tidings_disabled_subscriptions (subscription_id, disabled_at, reason)
             SELECT $11, $3, $12::text FROM finished WHERE $12::text IS NOT NULL ON CONFLICT DO NOTHING)
           SELECT count(*)::int AS recorded FROM finished`,
          [outcome.state, nextAt, attempt.at, job.id, job.leaseToken, job.attempts + 1, attempt.statusCode, Math.round(attempt.latencyMs), attempt.error, attempt.response, job.subscriptionId, disable],
        );
        return (rows[0] as { recorded: number }).recorded === 1;
      }),
    );
  }

  async enqueue(deliveries: readonly NewDelivery[], now: number): Promise<number> {
    await this.#guard(() => insertDeliveries(this.#pool, deliveries, now));
    return deliveries.length;
  }

  async list(subscriptionId: string, query: { before?: string; limit: number; state?: DeliveryState }): Promise<{ data: DeliveryView[]; next: string | null }> {
    const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : Number(query.before);
    const { rows } = await this.#guard(() =>
      this.#pool.query(
        `SELECT id, message_id, environment_id, integration_id, event_id, state, next_at, created_at FROM tidings_deliveries
         WHERE subscription_id = $1 AND id < $2 AND ($3::text IS NULL OR state = $3) ORDER BY id DESC LIMIT $4`,
        [subscriptionId, before, query.state ?? null, query.limit],
      ),
    );
    const ids = (rows as DeliveryListRow[]).map((row) => row.id);
    const { rows: attemptRows } = await this.#guard(() =>
      this.#pool.query(
        `SELECT delivery_id, at, status_code, latency_ms, error, response FROM tidings_delivery_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt`,
        [ids],
      ),
    );
    return deliveryPage(rows as DeliveryListRow[], attemptRows as AttemptListRow[], query.limit);
  }

  async retry(subscriptionId: string, id: string, now: number): Promise<boolean> {
    if (!/^\d{1,16}$/.test(id)) return false;
    return this.#guard(() =>
      transaction(this.#pool, async (client) => {
        const { rowCount } = await client.query(
          `UPDATE tidings_deliveries SET state = 'pending', next_at = $1, lease_until = 0, updated_at = $1 WHERE id = $2 AND subscription_id = $3 AND state = 'dead'`,
          [now, id, subscriptionId],
        );
        if (rowCount !== 1) return false;
        await client.query(`DELETE FROM tidings_disabled_subscriptions WHERE subscription_id = $1`, [subscriptionId]);
        return true;
      }),
    );
  }

  async size(cap: number): Promise<OutboxSize> {
    const { rows } = await this.#guard(() =>
      this.#pool.query(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM tidings_deliveries WHERE state = 'pending' LIMIT $1) p) AS pending,
                (SELECT count(*) FROM (SELECT 1 FROM tidings_deliveries WHERE state = 'dead' LIMIT $1) d) AS dead`,
        [cap],
      ),
    );
    const row = rows[0] as { pending: string; dead: string };
    return { pending: Number(row.pending), dead: Number(row.dead) };
  }

  async sizeOf(subscriptionId: string, cap: number): Promise<OutboxSize> {
    const { rows } = await this.#guard(() =>
      this.#pool.query(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM tidings_deliveries WHERE subscription_id = $1 AND state = 'pending' LIMIT $2) p) AS pending,
                (SELECT count(*) FROM (SELECT 1 FROM tidings_deliveries WHERE subscription_id = $1 AND state = 'dead' LIMIT $2) d) AS dead`,
        [subscriptionId, cap],
      ),
    );
    const row = rows[0] as { pending: string; dead: string };
    return { pending: Number(row.pending), dead: Number(row.dead) };
  }

  async disabled(): Promise<ReadonlyMap<string, string>> {
    const { rows } = await this.#guard(() => this.#pool.query(`SELECT subscription_id, reason FROM tidings_disabled_subscriptions`));
    return new Map((rows as { subscription_id: string; reason: string }[]).map((row) => [row.subscription_id, row.reason]));
  }

  /** One statement; `SKIP LOCKED` leaves a job another instance is recording to the next prune. */
  async prune(deliveredBefore: number, deadBefore: number, limit: number): Promise<number> {
    const { rows } = await this.#guard(() =>
      this.#pool.query(
        `WITH delivered AS (SELECT id FROM tidings_deliveries WHERE state = 'delivered' AND updated_at < $1 ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED),
         dead AS (SELECT id FROM tidings_deliveries WHERE state = 'dead' AND updated_at < $2 ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED),
         doomed AS (SELECT id FROM delivered UNION ALL SELECT id FROM dead LIMIT $3),
         attempts AS (DELETE FROM tidings_delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed)),
         jobs AS (DELETE FROM tidings_deliveries WHERE id IN (SELECT id FROM doomed) RETURNING 1)
         SELECT count(*) AS pruned FROM jobs`,
        [deliveredBefore, deadBefore, limit],
      ),
    );
    return Number((rows[0] as { pruned: string }).pruned);
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (thrown) {
      throw new StorageUnavailableError(`PostgreSQL failed: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
}
