import type pg from "pg";
import type { HeldClaim } from "../held-claims.js";
import { bodyBuffer, indexColumns, type AcceptedRecord, type RejectedRecord, type Scope, type StoredRequest } from "../store.js";
import { withRollup } from "./activity.js";

/** The per-row values of an event insert, in the order of its unnest arrays. */
const COLUMNS = ["kind", "id", "body", "provider", "details", "status", "event_at", "external_id", "correlation_id", "recipient"] as const;

/**
 * Inserts an accepted request's events, one statement whatever their number (each column travels
 * as one array); an event id stored before is skipped. Returns the results that were new when
 * `returnFresh` asks (the outbox needs them; returning rows costs a little, so only then).
 */
export async function insertEvents(client: pg.PoolClient, record: AcceptedRecord, requestSeq: string, returnFresh: boolean): Promise<AcceptedRecord["results"]> {
  const none = [null, null, null, null, null, null, null] as const;
  const rows: (readonly unknown[])[] = [
    ...record.results.map((r) => ["result", r.id, JSON.stringify(r.event), record.provider, r.details === undefined ? null : JSON.stringify(r.details), ...indexColumns(r)]),
    ...record.ignored.map((i) => ["ignored", i.id, JSON.stringify(i), ...none]),
    ...record.unmapped.map((u) => ["unmapped", u.id, JSON.stringify(u), ...none]),
  ];
  if (rows.length === 0) return [];
  // The results actually inserted (re-deliveries are not) count in the console's roll-ups, in the
  // same statement, which also names them when the outbox needs them.
  const { rows: inserted } = await client.query(
    withRollup(
      `INSERT INTO tidings_events (environment_id, integration_id, request_seq, received_at, kind, id, body, provider, details, status, event_at, external_id, correlation_id, recipient)
     SELECT $1, $2, $3, $4, t.* FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[])
       AS t(kind, id, body, provider, details, status, event_at, external_id, correlation_id, recipient)
     ON CONFLICT (environment_id, integration_id, kind, id) DO NOTHING`,
      returnFresh,
    ),
    [record.scope.environmentId, record.scope.integrationId, requestSeq, record.request.receivedAt, ...COLUMNS.map((_, c) => rows.map((r) => r[c]))],
  );
  if (!returnFresh) return [];
  const fresh = new Set((inserted as { kind: string; id: string }[]).filter((row) => row.kind === "result").map((row) => row.id));
  return record.results.filter((result) => fresh.has(result.id));
}

export async function insertRequest(client: pg.PoolClient, scope: Scope, request: StoredRequest, rejected: RejectedRecord | null): Promise<string> {
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

/** Deletes the rejected requests beyond the newest `keep`. */
export async function pruneRejected(client: pg.PoolClient, keep: number): Promise<void> {
  await client.query(
    `DELETE FROM tidings_requests WHERE outcome = 'rejected' AND seq <= (SELECT seq FROM tidings_requests WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1 OFFSET $1)`,
    [keep],
  );
}

/**
 * The outcome of an idempotency key, stored with its request. A claim held by this process knows
 * the fingerprint; a key without one only completes a row an earlier version claimed in the table.
 */
export async function completeClaim(client: pg.PoolClient, record: AcceptedRecord, claim: HeldClaim | undefined): Promise<void> {
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
