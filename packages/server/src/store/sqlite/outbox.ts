import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { NewDelivery } from "../../outbound/payload.js";
import { deliveryPage, type AttemptListRow, type AttemptOutcome, type AttemptRecord, type ClaimedDelivery, type DeliveryListRow, type DeliveryState, type DeliveryView, type Outbox, type OutboxSize } from "../outbox.js";

/** Queues a write for the store's next group commit (one transaction, one sync, shared with requests). */
type Commit = (write: () => void) => Promise<void>;

/**
 * The SQLite outbox. Jobs are inserted by SqliteWrites in the transaction of their request (see
 * `insert`). Claims and attempts are committed without a sync of their own (`synchronous =
 * NORMAL` for their transactions; the next request's commit syncs them with its own): losing one
 * to a power cut only repeats a delivery, which at-least-once allows, while a sync per claim and
 * per attempt would stall the event loop, and so the receiver's answers, on every delivery.
 * Attempts finished in one turn share one transaction. Replays and retries, which an operator was
 * told succeeded, go through the store's group commit like requests. One process owns the file, so
 * a lease found at open was taken by a process that is gone: it is cleared, and its job is due again.
 */
export class SqliteOutbox implements Outbox {
  readonly #db: Database.Database;
  readonly #commit: Commit;
  readonly #read: <T>(run: () => T) => Promise<T>;
  readonly #sql;
  #records: { job: ClaimedDelivery; attempt: AttemptRecord; outcome: AttemptOutcome; done: (recorded: boolean) => void; fail: (error: unknown) => void }[] = [];

  constructor(db: Database.Database, commit: Commit, read: <T>(run: () => T) => Promise<T>) {
    this.#db = db;
    this.#commit = commit;
    this.#read = read;
    // The retention indexes, created at open so that a database of this layout gains them too;
    // partial, so that a pending job (every new row) is in neither.
    db.exec(`CREATE INDEX IF NOT EXISTS deliveries_delivered_at ON deliveries (updated_at) WHERE state = 'delivered';
             CREATE INDEX IF NOT EXISTS deliveries_dead_at ON deliveries (updated_at) WHERE state = 'dead';`);
    this.#sql = {
      insert: db.prepare(
        `INSERT INTO deliveries (subscription_id, message_id, environment_id, integration_id, event_id, payload, state, next_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ),
      claim: db.prepare(
        `UPDATE deliveries SET lease_until = :until, lease_token = :token
         WHERE id IN (SELECT id FROM deliveries WHERE subscription_id = :subscription AND state = 'pending' AND next_at <= :now AND lease_until <= :now ORDER BY next_at, id LIMIT :limit)
           AND NOT EXISTS (SELECT 1 FROM disabled_subscriptions WHERE subscription_id = :subscription)
         RETURNING id, subscription_id, message_id, payload, attempts`,
      ),
      finish: db.prepare(
        `UPDATE deliveries SET state = ?, attempts = attempts + 1, next_at = ?, lease_until = 0, lease_token = NULL, updated_at = ? WHERE id = ? AND lease_token = ?`,
      ),
      attempt: db.prepare(`INSERT OR REPLACE INTO delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, error, response) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      disable: db.prepare(`INSERT INTO disabled_subscriptions (subscription_id, disabled_at, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
      enable: db.prepare(`DELETE FROM disabled_subscriptions WHERE subscription_id = ?`),
      retry: db.prepare(`UPDATE deliveries SET state = 'pending', next_at = ?, lease_until = 0, updated_at = ? WHERE id = ? AND subscription_id = ? AND state = 'dead'`),
      list: db.prepare(
        `SELECT id, message_id, environment_id, integration_id, event_id, state, next_at, created_at FROM deliveries
         WHERE subscription_id = :subscription AND id < :before AND (:state IS NULL OR state = :state) ORDER BY id DESC LIMIT :limit`,
      ),
      attempts: db.prepare(
        `SELECT delivery_id, at, status_code, latency_ms, error, response FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, attempt`,
      ),
      // Counted up to a bound: a count is a scan, and past the alarm the exact size matters less than the work.
      size: db.prepare(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE state = 'pending' LIMIT :cap)), (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE state = 'dead' LIMIT :cap))`,
      ).raw(),
      sizeOf: db.prepare(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE subscription_id = :subscription AND state = 'pending' LIMIT :cap)),
                (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE subscription_id = :subscription AND state = 'dead' LIMIT :cap))`,
      ).raw(),
      disabled: db.prepare(`SELECT subscription_id, reason FROM disabled_subscriptions`).raw(),
      prunable: db.prepare(
        `SELECT id FROM (SELECT id FROM deliveries WHERE state = 'delivered' AND updated_at < :delivered ORDER BY updated_at LIMIT :limit)
         UNION ALL SELECT id FROM (SELECT id FROM deliveries WHERE state = 'dead' AND updated_at < :dead ORDER BY updated_at LIMIT :limit) LIMIT :limit`,
      ).pluck(),
      pruneAttempts: db.prepare(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))`),
      pruneJobs: db.prepare(`DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))`),
    };
    db.prepare(`UPDATE deliveries SET lease_until = 0, lease_token = NULL WHERE state = 'pending' AND lease_until > 0`).run();
  }

  /** Inside a request's transaction: its deliveries are committed with its events, or not at all. */
  insert(deliveries: readonly NewDelivery[], now: number): void {
    for (const d of deliveries) this.#sql.insert.run(d.subscriptionId, d.messageId, d.environmentId, d.integrationId, d.eventId, d.payload, now, now, now);
  }

  async claim(subscriptionId: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const token = randomUUID();
    type Row = { id: number; subscription_id: string; message_id: string; payload: string; attempts: number };
    const rows = await this.#read(() => this.#unsynced(() => this.#sql.claim.all({ until: now + leaseMs, token, subscription: subscriptionId, now, limit }) as Row[]));
    return rows.map((row) => ({ id: String(row.id), subscriptionId: row.subscription_id, messageId: row.message_id, payload: row.payload, attempts: row.attempts, leaseToken: token }));
  }

  record(job: ClaimedDelivery, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<boolean> {
    return new Promise((done, fail) => {
      if (this.#records.push({ job, attempt, outcome, done, fail }) === 1) setImmediate(() => void this.#flushRecords());
    });
  }

  async #flushRecords(): Promise<void> {
    const batch = this.#records;
    this.#records = [];
    try {
      const recorded = await this.#read(() => this.#unsynced(() => batch.map(({ job, attempt, outcome }) => this.#recordOne(job, attempt, outcome))));
      batch.forEach((pending, i) => pending.done(recorded[i]!));
    } catch (thrown) {
      for (const pending of batch) pending.fail(thrown);
    }
  }

  #recordOne(job: ClaimedDelivery, attempt: AttemptRecord, outcome: AttemptOutcome): boolean {
    const nextAt = outcome.state === "pending" ? outcome.nextAt : 0;
    if (this.#sql.finish.run(outcome.state, nextAt, attempt.at, Number(job.id), job.leaseToken).changes !== 1) return false;
    this.#sql.attempt.run(Number(job.id), job.attempts + 1, attempt.at, attempt.statusCode, Math.round(attempt.latencyMs), attempt.error, attempt.response);
    if (outcome.state === "dead" && outcome.disableSubscription !== undefined) this.#sql.disable.run(job.subscriptionId, attempt.at, outcome.disableSubscription);
    return true;
  }

  /** One transaction committed without its own sync (see the class comment); the connection's FULL sync is restored after it. */
  #unsynced<T>(run: () => T): T {
    this.#db.pragma("synchronous = NORMAL");
    try {
      return this.#db.transaction(run)();
    } finally {
      this.#db.pragma("synchronous = FULL");
    }
  }

  async enqueue(deliveries: readonly NewDelivery[], now: number): Promise<number> {
    await this.#commit(() => this.insert(deliveries, now));
    return deliveries.length;
  }

  list(subscriptionId: string, query: { before?: string; limit: number; state?: DeliveryState }): Promise<{ data: DeliveryView[]; next: string | null }> {
    return this.#read(() => {
      const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : Number(query.before);
      const rows = this.#sql.list.all({ subscription: subscriptionId, before, state: query.state ?? null, limit: query.limit }) as DeliveryListRow[];
      const attemptRows = this.#sql.attempts.all(JSON.stringify(rows.map((r) => r.id))) as AttemptListRow[];
      return deliveryPage(rows, attemptRows, query.limit);
    });
  }

  async retry(subscriptionId: string, id: string, now: number): Promise<boolean> {
    if (!/^\d{1,16}$/.test(id)) return false;
    let retried = false;
    await this.#commit(() => {
      retried = this.#sql.retry.run(now, now, Number(id), subscriptionId).changes === 1;
      if (retried) this.#sql.enable.run(subscriptionId);
    });
    return retried;
  }

  size(cap: number): Promise<OutboxSize> {
    return this.#read(() => {
      const [pending, dead] = this.#sql.size.get({ cap }) as [number, number];
      return { pending, dead };
    });
  }

  sizeOf(subscriptionId: string, cap: number): Promise<OutboxSize> {
    return this.#read(() => {
      const [pending, dead] = this.#sql.sizeOf.get({ subscription: subscriptionId, cap }) as [number, number];
      return { pending, dead };
    });
  }

  disabled(): Promise<ReadonlyMap<string, string>> {
    return this.#read(() => new Map(this.#sql.disabled.all() as [string, string][]));
  }

  /** Unsynced like an attempt: a deletion lost to a power cut is made again at the next prune. */
  prune(deliveredBefore: number, deadBefore: number, limit: number): Promise<number> {
    return this.#read(() =>
      this.#unsynced(() => {
        const ids = JSON.stringify(this.#sql.prunable.all({ delivered: deliveredBefore, dead: deadBefore, limit }));
        this.#sql.pruneAttempts.run(ids);
        return this.#sql.pruneJobs.run(ids).changes;
      }),
    );
  }
}
