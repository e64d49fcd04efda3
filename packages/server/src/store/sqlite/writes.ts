import type Database from "better-sqlite3";
import type { HeldClaim } from "../held-claims.js";
import { bodyBuffer, indexColumns, PRUNE_REJECTED_EVERY, type AcceptedRecord, type RejectedRecord, type StoredRequest } from "../store.js";
import { newDeliveries } from "../../outbound/payload.js";
import type { EventKeys, Staging } from "./dedup.js";
import type { SqliteOutbox } from "./outbox.js";
import { storedResults } from "./results.js";
import { SLOTS } from "./schema.js";

/** What one accepted request wrote: its request row and the results that were new (not re-deliveries). */
export interface AcceptedWrite {
  readonly seq: number;
  readonly fresh: AcceptedRecord["results"];
}

/**
 * The rows of accepted and rejected requests, written inside the group commit's transaction: the
 * request with its new events (re-deliveries dropped by EventKeys), the per-event index rows, the
 * outbox's delivery jobs for those events, the idempotency key's outcome; rejected requests pruned beyond `maxRejected`.
 */
export class SqliteWrites {
  readonly #keys: EventKeys;
  readonly #outbox: SqliteOutbox;
  readonly #maxRejected: number;
  readonly #sql;
  #rejectedSincePrune = 0;

  constructor(db: Database.Database, keys: EventKeys, outbox: SqliteOutbox, maxRejected: number) {
    this.#keys = keys;
    this.#outbox = outbox;
    this.#maxRejected = maxRejected;
    this.#sql = {
      insertRequest: db.prepare(
        `INSERT INTO requests (scope, received_at, result_count, method, content_type, headers, results, kept, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // One statement per request, whatever its result count: the rows come as one JSON array.
      insertEvents: db.prepare(
        `INSERT INTO events (cursor, scope, status, event_at, external_id, correlation_id, recipient, received_at)
         SELECT ? + key, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ? FROM json_each(?)`,
      ),
      storeOutcome: db.prepare(
        `INSERT INTO idempotency (scope, key, fingerprint, state, status_code, response, claimed_at) VALUES (?, ?, ?, 'done', ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'done', status_code = excluded.status_code, response = excluded.response, claimed_at = excluded.claimed_at`,
      ),
      completeClaim: db.prepare(`UPDATE idempotency SET state = 'done', status_code = ?, response = ? WHERE scope = ? AND key = ?`),
      insertRejected: db.prepare(
        `INSERT INTO rejected (scope, received_at, error_code, error_message, method, content_type, headers, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pruneRejected: db.prepare(`DELETE FROM rejected WHERE seq <= (SELECT seq FROM rejected ORDER BY seq DESC LIMIT 1 OFFSET ?)`),
    };
  }

  accepted(scopeId: number, record: AcceptedRecord, claim: HeldClaim | undefined, staging: Staging): AcceptedWrite {
    const { request, results, ignored, unmapped } = record;
    const check = this.#keys.checker(scopeId, staging, results.length + ignored.length + unmapped.length);
    const freshResults = results.filter((result) => check.isFresh("r", result.id));
    const newResults = storedResults(freshResults, record.provider, request.body);
    const newIgnored = ignored.filter((item) => check.isFresh("i", item.id));
    const newUnmapped = unmapped.filter((item) => check.isFresh("u", item.id));
    if (newResults.length >= SLOTS) throw new Error(`a request holds ${newResults.length} results; at most ${SLOTS - 1} are stored`);
    const kept = newIgnored.length + newUnmapped.length === 0 ? null : JSON.stringify({ ignored: newIgnored, unmapped: newUnmapped });
    const staged = check.staged();
    if (staged.length > 0) staging.keys.push(staged);
    const { lastInsertRowid } = this.#sql.insertRequest.run(
      scopeId,
      request.receivedAt,
      newResults.length,
      ...requestColumns(request),
      newResults.length === 0 ? null : JSON.stringify(newResults),
      kept,
      bodyBuffer(request.body),
    );
    const seq = Number(lastInsertRowid);
    if (freshResults.length > 0) {
      this.#sql.insertEvents.run(seq * SLOTS + 1, scopeId, request.receivedAt, JSON.stringify(freshResults.map(indexColumns)));
    }
    // The outbox's jobs for the new results, in this same transaction: committed with them or not at
    // all; due from the time the receiver stamped (the worker reads the same clock).
    if (freshResults.length > 0) this.#outbox.insert(newDeliveries(record, freshResults), Date.parse(request.receivedAt));
    const { idempotencyKey: key, response } = record;
    if (key !== undefined) {
      // Without a claim held here, only a row an earlier version claimed in the table is completed.
      if (claim === undefined) this.#sql.completeClaim.run(response.statusCode, response.body, scopeId, key);
      else this.#sql.storeOutcome.run(scopeId, key, claim.fingerprint, response.statusCode, response.body, claim.claimedAt);
    }
    return { seq, fresh: freshResults };
  }

  rejected(scopeId: number, record: RejectedRecord): void {
    const { request } = record;
    this.#sql.insertRejected.run(scopeId, request.receivedAt, record.code, record.message, ...requestColumns(request), bodyBuffer(request.body));
    if (++this.#rejectedSincePrune >= PRUNE_REJECTED_EVERY) {
      this.#rejectedSincePrune = 0;
      this.#sql.pruneRejected.run(this.#maxRejected);
    }
  }
}

function requestColumns(request: StoredRequest): [string, string, string] {
  return [request.method, request.contentType, JSON.stringify(request.headers)];
}
