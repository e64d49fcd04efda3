import type pg from "pg";
import type { Status } from "@tidings/core";
import {
  hourOf,
  REJECTED_BODY_LIMIT,
  type ActivityPage,
  type KeptItem,
  type ListQuery,
  type RecentItem,
  type RecentQuery,
  type RejectedItem,
  type StatusCount,
  type StatusCountsQuery,
} from "../activity.js";
import { parseCursor, type FeedItem, type Scope } from "../store.js";

/**
 * The console's tables: the roll-up of results per status per hour and per day (keyed by time
 * before integration, so that a chart of the whole environment reads one range of the key), and
 * each scope's last call.
 */
const ACTIVITY_SCHEMA = `
CREATE TABLE IF NOT EXISTS tidings_status_hours (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  hour BIGINT NOT NULL,
  status TEXT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (environment_id, hour, integration_id, status)
);
CREATE TABLE IF NOT EXISTS tidings_status_days (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  status TEXT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (environment_id, day, integration_id, status)
);
CREATE TABLE IF NOT EXISTS tidings_scope_activity (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  last_call_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (environment_id, integration_id)
);
`;

/** Fills the roll-up and the last calls from what an earlier version stored. */
const ACTIVITY_BACKFILL = `
INSERT INTO tidings_status_hours (environment_id, integration_id, hour, status, count)
SELECT environment_id, integration_id, floor(event_at / 3600000.0)::bigint, status, count(*)
FROM tidings_events WHERE kind = 'result' AND status IS NOT NULL AND event_at IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO tidings_status_days (environment_id, integration_id, day, status, count)
SELECT environment_id, integration_id, floor(hour / 24.0)::bigint, status, sum(count) FROM tidings_status_hours GROUP BY 1, 2, 3, 4;
INSERT INTO tidings_scope_activity (environment_id, integration_id, last_call_at)
SELECT environment_id, integration_id, max(received_at) FROM tidings_requests WHERE environment_id <> '' GROUP BY 1, 2;
`;

/** Creates the console's tables when missing, filled from the stored events (run under the schema lock). */
export async function prepareActivity(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query(`SELECT to_regclass('tidings_status_hours') IS NULL AS missing`);
  await client.query(ACTIVITY_SCHEMA);
  if ((rows[0] as { missing: boolean }).missing) await client.query(ACTIVITY_BACKFILL);
}

/**
 * Wraps the statement that inserts a request's events (parameters $1 environment, $2 integration)
 * so that the results it actually inserted, duplicates excluded, count in their hour and day, in
 * the same statement; it answers the inserted results' ids only when `returnFresh` asks.
 */
export function withRollup(insertEvents: string, returnFresh: boolean): string {
  return `WITH inserted AS (${insertEvents} RETURNING kind, id, status, event_at),
  hours AS (
    INSERT INTO tidings_status_hours (environment_id, integration_id, hour, status, count)
    SELECT $1, $2, floor(event_at / 3600000.0)::bigint, status, count(*) FROM inserted WHERE status IS NOT NULL GROUP BY 3, 4
    ON CONFLICT (environment_id, hour, integration_id, status) DO UPDATE SET count = tidings_status_hours.count + EXCLUDED.count
  ),
  days AS (
    INSERT INTO tidings_status_days (environment_id, integration_id, day, status, count)
    SELECT $1, $2, floor(event_at / 86400000.0)::bigint, status, count(*) FROM inserted WHERE status IS NOT NULL GROUP BY 3, 4
    ON CONFLICT (environment_id, day, integration_id, status) DO UPDATE SET count = tidings_status_days.count + EXCLUDED.count
  )
  SELECT kind, id FROM inserted WHERE ${returnFresh ? "kind = 'result'" : "false"}`;
}

/** Records the newest call of each scope of a commit, in that commit. */
export async function touchScopes(client: pg.PoolClient, calls: readonly { scope: Scope; receivedAt: string }[]): Promise<void> {
  const newest = new Map<string, { scope: Scope; receivedAt: string }>();
  for (const call of calls) {
    const key = `${call.scope.environmentId}\u0000${call.scope.integrationId}`;
    const known = newest.get(key);
    if (known === undefined || known.receivedAt < call.receivedAt) newest.set(key, call);
  }
  if (newest.size === 0) return;
  const list = [...newest.values()];
  await client.query(
    `INSERT INTO tidings_scope_activity (environment_id, integration_id, last_call_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
     ON CONFLICT (environment_id, integration_id) DO UPDATE SET last_call_at = GREATEST(tidings_scope_activity.last_call_at, EXCLUDED.last_call_at)`,
    [list.map((c) => c.scope.environmentId), list.map((c) => c.scope.integrationId), list.map((c) => c.receivedAt)],
  );
}

type Query = (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

/** A time range holding at most this many events is read from the time index (see recent). */
const NARROW_RANGE = 200_000;

/** The console's reads; `toItem` turns an event row (the store's item columns) into a feed item. */
export class PostgresActivity {
  constructor(
    private readonly query: Query,
    private readonly itemColumns: string,
    private readonly toItem: (row: never) => FeedItem,
  ) {}

  async recent(environmentId: string, query: RecentQuery): Promise<ActivityPage<RecentItem>> {
    const where = ["environment_id = $1", "kind = 'result'"];
    const params: unknown[] = [environmentId];
    const add = (clause: (at: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.integrationIds !== undefined) add((at) => `integration_id = ANY(${at}::text[])`, query.integrationIds);
    if (query.before !== undefined) add((at) => `seq < ${at}`, parseCursor(query.before));
    if (query.after !== undefined) add((at) => `seq > ${at}`, parseCursor(query.after));
    if (query.statuses !== undefined) add((at) => `status = ANY(${at}::text[])`, query.statuses);
    if (query.externalId !== undefined) add((at) => `external_id = ${at}`, query.externalId);
    if (query.correlationId !== undefined) add((at) => `correlation_id = ${at}`, query.correlationId);
    if (query.recipient !== undefined) add((at) => `recipient = ${at}`, query.recipient);
    if (query.search !== undefined) {
      // Each of the three indexes leads with the integration: the search names every one of the
      // environment's (those ever called), and the union reads each index instead of walking the table.
      params.push(query.search);
      const search = `$${params.length}`;
      let among = "ARRAY(SELECT integration_id FROM tidings_scope_activity WHERE environment_id = $1)";
      if (query.integrationIds !== undefined) {
        params.push(query.integrationIds);
        among = `$${params.length}::text[]`;
      }
      const probe = (column: string) => `SELECT seq FROM tidings_events WHERE environment_id = $1 AND integration_id = ANY(${among}) AND kind = 'result' AND ${column} = ${search}`;
      where.push(`seq IN (${["external_id", "correlation_id", "recipient"].map(probe).join(" UNION ")})`);
    }
    const selective = [query.statuses, query.externalId, query.correlationId, query.recipient, query.search].some((filter) => filter !== undefined);
    const ranged = query.since !== undefined || query.until !== undefined;
    if (query.since !== undefined) add((at) => `event_at >= ${at}`, query.since);
    if (query.until !== undefined) add((at) => `event_at < ${at}`, query.until);
    // A narrow time range is read from the time index (its integration listed, as the index leads
    // with it) behind a fence (OFFSET 0), its newest kept; PostgreSQL would otherwise walk the
    // primary key back from the newest event, through every event after the range.
    const narrow = ranged && !selective && (await this.#countInRange(environmentId, query)) <= NARROW_RANGE;
    if (narrow && query.integrationIds === undefined) where.push("integration_id = ANY(ARRAY(SELECT integration_id FROM tidings_scope_activity WHERE environment_id = $1))");
    params.push(query.limit);
    const limit = `$${params.length}`;
    const { rows } = await this.query(
      narrow
        ? `SELECT ${this.itemColumns}, integration_id FROM tidings_events WHERE seq IN (
             SELECT seq FROM (SELECT seq FROM tidings_events WHERE ${where.join(" AND ")} OFFSET 0) AS range ORDER BY seq DESC LIMIT ${limit}
           ) ORDER BY seq DESC`
        : `SELECT ${this.itemColumns}, integration_id FROM tidings_events WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ${limit}`,
      params,
    );
    const data = (rows as ({ integration_id: string } & Record<string, unknown>)[]).map((row) => ({ ...this.toItem(row as never), integrationId: row.integration_id }));
    return { data, next: data.length < query.limit ? null : data[data.length - 1]!.cursor };
  }

  /** Events in the hours a time range touches, from the roll-up: O(hours), an upper bound of the range's events. */
  async #countInRange(environmentId: string, query: RecentQuery): Promise<number> {
    const from = query.since === undefined ? Number.MIN_SAFE_INTEGER : hourOf(query.since);
    const to = query.until === undefined ? Number.MAX_SAFE_INTEGER : hourOf(query.until - 1) + 1;
    const params: unknown[] = [environmentId, from, to];
    if (query.integrationIds !== undefined) params.push(query.integrationIds);
    const { rows } = await this.query(
      `SELECT coalesce(sum(count), 0)::bigint AS n FROM tidings_status_hours WHERE environment_id = $1 AND hour >= $2 AND hour < $3${query.integrationIds === undefined ? "" : " AND integration_id = ANY($4::text[])"}`,
      params,
    );
    return Number((rows[0] as { n: string }).n);
  }

  async statusCounts(environmentId: string, query: StatusCountsQuery): Promise<readonly StatusCount[]> {
    const daily = query.bucketHours === 24;
    // Days are whole: a range that starts or ends inside one counts all of it.
    const params: unknown[] = [environmentId, daily ? Math.floor(query.fromHour / 24) : query.fromHour, daily ? Math.ceil(query.untilHour / 24) : query.untilHour];
    const integrations = query.integrationIds === undefined ? "" : `AND integration_id = ANY($4::text[])`;
    if (query.integrationIds !== undefined) params.push(query.integrationIds);
    const [table, unit] = daily ? ["tidings_status_days", "day"] : ["tidings_status_hours", "hour"];
    const toHour = daily ? `${unit} * 24` : unit;
    const where = `WHERE environment_id = $1 AND ${unit} >= $2 AND ${unit} < $3 ${integrations}`;
    const { rows } = await this.query(
      query.perIntegration
        ? `SELECT integration_id, ${toHour} AS bucket, status, count FROM ${table} ${where}`
        : `SELECT NULL AS integration_id, ${toHour} AS bucket, status, sum(count)::bigint AS count FROM ${table} ${where} GROUP BY ${unit}, status`,
      params,
    );
    return (rows as { integration_id: string | null; bucket: string; status: Status; count: string }[]).map((row) => ({
      ...(row.integration_id === null ? {} : { integrationId: row.integration_id }),
      hour: Number(row.bucket),
      status: row.status,
      count: Number(row.count),
    }));
  }

  async lastCalls(environmentId: string): Promise<ReadonlyMap<string, string>> {
    const { rows } = await this.query(`SELECT integration_id, last_call_at FROM tidings_scope_activity WHERE environment_id = $1`, [environmentId]);
    return new Map((rows as { integration_id: string; last_call_at: Date }[]).map((row) => [row.integration_id, row.last_call_at.toISOString()]));
  }

  async rejected(environmentId: string, query: ListQuery): Promise<ActivityPage<RejectedItem>> {
    const params: unknown[] = [environmentId, query.before === undefined ? Number.MAX_SAFE_INTEGER : parseCursor(query.before), query.limit];
    if (query.integrationIds !== undefined) params.push(query.integrationIds);
    const { rows } = await this.query(
      `SELECT seq, integration_id, received_at, error_code, error_message, method, content_type, headers,
              substring(body FROM 1 FOR ${REJECTED_BODY_LIMIT}) AS body, octet_length(body) AS bytes
       FROM tidings_requests WHERE outcome = 'rejected' AND environment_id = $1 AND seq < $2 ${query.integrationIds === undefined ? "" : "AND integration_id = ANY($4::text[])"}
       ORDER BY seq DESC LIMIT $3`,
      params,
    );
    const data = (rows as RejectedRow[]).map((row) => ({
      cursor: String(row.seq),
      integrationId: row.integration_id,
      receivedAt: row.received_at.toISOString(),
      code: row.error_code,
      message: row.error_message,
      method: row.method,
      contentType: row.content_type,
      headers: row.headers,
      body: row.body,
      bodyBytes: row.bytes,
    }));
    return { data, next: data.length < query.limit ? null : data[data.length - 1]!.cursor };
  }

  async kept(environmentId: string, query: ListQuery): Promise<ActivityPage<KeptItem>> {
    const params: unknown[] = [environmentId, query.before === undefined ? Number.MAX_SAFE_INTEGER : parseCursor(query.before), query.limit];
    if (query.integrationIds !== undefined) params.push(query.integrationIds);
    const { rows } = await this.query(
      `SELECT seq, integration_id, kind, body, received_at FROM tidings_events
       WHERE environment_id = $1 AND kind IN ('ignored', 'unmapped') AND seq < $2 ${query.integrationIds === undefined ? "" : "AND integration_id = ANY($4::text[])"}
       ORDER BY seq DESC LIMIT $3`,
      params,
    );
    const data = (rows as { seq: string; integration_id: string; kind: KeptItem["kind"]; body: string; received_at: Date }[]).map((row) => {
      const entry = JSON.parse(row.body) as { id: string; name?: string; code?: string; reason: string; row: string };
      return {
        cursor: String(row.seq),
        integrationId: row.integration_id,
        receivedAt: row.received_at.toISOString(),
        kind: row.kind,
        id: entry.id,
        ...(entry.name === undefined ? {} : { name: entry.name }),
        ...(entry.code === undefined ? {} : { code: entry.code }),
        reason: entry.reason,
        row: entry.row,
      };
    });
    return { data, next: data.length < query.limit ? null : data[data.length - 1]!.cursor };
  }
}

interface RejectedRow {
  seq: string;
  integration_id: string;
  received_at: Date;
  error_code: string;
  error_message: string;
  method: string;
  content_type: string;
  headers: Record<string, string>;
  body: Buffer;
  bytes: number;
}
