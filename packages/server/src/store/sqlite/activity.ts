import type Database from "better-sqlite3";
import type { Status } from "@tidings/core";
import {
  hourOf,
  REJECTED_BODY_LIMIT,
  type ActivityPage,
  type IntegrationSelection,
  type KeptItem,
  type ListQuery,
  type RecentItem,
  type RecentQuery,
  type RejectedItem,
  type StatusCount,
  type StatusCountsQuery,
} from "../activity.js";
import { parseCursor, type AcceptedResult, type FeedItem } from "../store.js";

/**
 * The console's tables in the SQLite layout: the roll-up of results per status per hour (and per
 * day, so that a chart of months reads days, not hours), the last call of each scope, and an index
 * over the requests that kept ignored or unmapped events.
 */
const ACTIVITY_SCHEMA = `
CREATE TABLE IF NOT EXISTS status_hours (
  scope INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  status TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (scope, hour, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS status_days (
  scope INTEGER NOT NULL,
  day INTEGER NOT NULL,
  status TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (scope, day, status)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS requests_kept ON requests (scope, seq) WHERE kept IS NOT NULL;
`;

/** Fills the roll-up from the events already stored (a database of an earlier layout); run again, it rebuilds. */
export const ACTIVITY_BACKFILL = `
DELETE FROM status_hours;
DELETE FROM status_days;
INSERT INTO status_hours (scope, hour, status, count)
SELECT scope, CASE WHEN event_at >= 0 THEN event_at / 3600000 ELSE -((-event_at - 1) / 3600000) - 1 END AS hour, status, count(*)
FROM events GROUP BY 1, 2, 3;
INSERT INTO status_days (scope, day, status, count)
SELECT scope, CASE WHEN hour >= 0 THEN hour / 24 ELSE -((-hour - 1) / 24) - 1 END AS day, status, sum(count) FROM status_hours GROUP BY 1, 2, 3;
UPDATE scopes SET last_call_at = (SELECT max(received_at) FROM (
  SELECT received_at FROM requests WHERE requests.scope = scopes.id UNION ALL SELECT received_at FROM rejected WHERE rejected.scope = scopes.id));
`;

/** Creates the console's tables and columns where missing (new databases, and earlier layouts before their backfill). */
export function createActivityTables(db: Database.Database): void {
  db.exec(ACTIVITY_SCHEMA);
  const columns = db.prepare(`SELECT name FROM pragma_table_info('scopes')`).pluck().all() as string[];
  if (!columns.includes("last_call_at")) db.exec(`ALTER TABLE scopes ADD COLUMN last_call_at TEXT`);
}

/** What the writes of one commit add to the console's tables: counts per (scope, hour, status), and each scope's newest call. */
export class ActivityTally {
  readonly hours = new Map<string, [scope: number, hour: number, status: string, count: number]>();
  readonly calls = new Map<number, string>();

  results(scopeId: number, results: readonly AcceptedResult[]): void {
    for (const { event } of results) {
      const hour = hourOf(Date.parse(event.date));
      const key = `${scopeId}\u0000${hour}\u0000${event.status}`;
      const entry = this.hours.get(key);
      if (entry === undefined) this.hours.set(key, [scopeId, hour, event.status, 1]);
      else entry[3]++;
    }
  }

  call(scopeId: number, receivedAt: string): void {
    const known = this.calls.get(scopeId);
    if (known === undefined || known < receivedAt) this.calls.set(scopeId, receivedAt);
  }
}

/**
 * A time range holding at most this many events is read from the time index, which covers the
 * query, keeping the newest (about 55 ms for 77,000 events on the loaded benchmark machine); a
 * larger one by walking the primary key back from the newest event, where a wide range is dense.
 */
const NARROW_RANGE = 200_000;

/** A result's full content lives in its request's row; the store reads it back by cursor. */
type ItemsAt = (cursors: readonly number[]) => FeedItem[];

/** Reads and writes of the console's tables; the SqliteStore runs them inside its own guards and transactions. */
export class SqliteActivity {
  readonly #db: Database.Database;
  readonly #itemsAt: ItemsAt;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #sql;

  constructor(db: Database.Database, itemsAt: ItemsAt) {
    this.#db = db;
    this.#itemsAt = itemsAt;
    this.#sql = {
      addCounts: db.prepare(
        `INSERT INTO status_hours (scope, hour, status, count) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
         ON CONFLICT (scope, hour, status) DO UPDATE SET count = count + excluded.count`,
      ),
      addDayCounts: db.prepare(
        `INSERT INTO status_days (scope, day, status, count) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?) WHERE true
         ON CONFLICT (scope, day, status) DO UPDATE SET count = count + excluded.count`,
      ),
      touch: db.prepare(`UPDATE scopes SET last_call_at = ? WHERE id = ? AND (last_call_at IS NULL OR last_call_at < ?)`),
      scopes: db.prepare(`SELECT id, integration_id, last_call_at FROM scopes WHERE environment_id = ?`),
    };
  }

  /** Writes what one commit tallied, at its end and in its transaction: a few statements per commit, none per request. */
  write(tally: ActivityTally): void {
    if (tally.hours.size > 0) {
      const hours = [...tally.hours.values()];
      this.#sql.addCounts.run(JSON.stringify(hours));
      this.#sql.addDayCounts.run(JSON.stringify(byDay(hours)));
    }
    for (const [scopeId, receivedAt] of tally.calls) this.#sql.touch.run(receivedAt, scopeId, receivedAt);
  }

  /**
   * Newest first. A selective filter (status, ids, recipient, search) is read per scope (and per
   * status) from the index that leads with it, each read stopping after `limit` rows, and the reads
   * are merged here: a page costs O(scopes x statuses x limit), not a sort of every match. A time
   * range that the roll-up says holds few events (NARROW_RANGE) is read from the time index, per
   * scope, and those rows sorted. Otherwise the rows are read backwards in cursor order (the
   * primary key) until the page is full.
   */
  recent(environmentId: string, query: RecentQuery): ActivityPage<RecentItem> {
    const scopes = this.#scopes(environmentId, query);
    if (scopes.size === 0) return { data: [], next: null };
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.before !== undefined) add("cursor < ?", parseCursor(query.before));
    if (query.after !== undefined) add("cursor > ?", parseCursor(query.after));
    if (query.externalId !== undefined) add("external_id = ?", query.externalId);
    if (query.correlationId !== undefined) add("correlation_id = ?", query.correlationId);
    if (query.recipient !== undefined) add("recipient = ?", query.recipient);
    const selective =
      where.length > (query.before === undefined ? 0 : 1) + (query.after === undefined ? 0 : 1) || query.statuses !== undefined || query.search !== undefined;
    // The time range is checked on each row read; its index would hand rows over out of cursor order.
    if (query.since !== undefined) add("+event_at >= ?", query.since);
    if (query.until !== undefined) add("+event_at < ?", query.until);
    let rows: [number, number][];
    if (selective) {
      rows = [];
      for (const scope of scopes.keys()) {
        // A search reads each of its three indexes (a union); SQLite would walk the whole scope for an OR.
        const search =
          query.search === undefined
            ? []
            : [`cursor IN (${["external_id", "correlation_id", "recipient"].map((column) => `SELECT cursor FROM events WHERE scope = ${scope} AND ${column} = :search`).join(" UNION ")})`];
        for (const status of query.statuses ?? [undefined]) {
          // With a search, its union is the one index read; the scope and status are checked on its few rows.
          const plus = search.length === 0 ? "" : "+";
          const clauses = [`${plus}scope = ?`, ...(status === undefined ? [] : [`${plus}status = ?`]), ...search, ...where];
          const sql = `SELECT cursor, scope FROM events WHERE ${clauses.join(" AND ")} ORDER BY cursor DESC LIMIT ?`;
          const positional = [scope, ...(status === undefined ? [] : [status]), ...params, query.limit];
          const statement = this.#statement(sql).raw();
          rows.push(...((query.search === undefined ? statement.all(...positional) : statement.all(...positional, { search: query.search })) as [number, number][]));
        }
      }
      rows.sort((a, b) => b[0] - a[0]);
      rows.length = Math.min(rows.length, query.limit);
    } else if ((query.since !== undefined || query.until !== undefined) && this.#countInRange([...scopes.keys()], query.since, query.until) <= NARROW_RANGE) {
      const range = where.map((clause) => clause.replace("+event_at", "event_at"));
      const sql = `SELECT cursor, scope FROM events INDEXED BY events_event_at WHERE scope = ?${range.map((clause) => ` AND ${clause}`).join("")} ORDER BY cursor DESC LIMIT ?`;
      rows = [];
      for (const scope of scopes.keys()) rows.push(...(this.#statement(sql).raw().all(scope, ...params, query.limit) as [number, number][]));
      rows.sort((a, b) => b[0] - a[0]);
      rows.length = Math.min(rows.length, query.limit);
    } else {
      const sql = `SELECT cursor, scope FROM events WHERE +scope IN (${[...scopes.keys()].join(", ")})${where.map((clause) => ` AND ${clause}`).join("")} ORDER BY cursor DESC LIMIT ?`;
      rows = this.#statement(sql).raw().all(...params, query.limit) as [number, number][];
    }
    const items = this.#itemsAt(rows.map(([cursor]) => cursor));
    const data = items.map((item, i) => ({ ...item, integrationId: scopes.get(rows[i]![1])! }));
    return { data, next: data.length < query.limit ? null : data[data.length - 1]!.cursor };
  }

  /** Events of these scopes in the hours a time range touches, from the roll-up: O(hours), an upper bound of the range's events. */
  #countInRange(scopes: readonly number[], since: number | undefined, until: number | undefined): number {
    const from = since === undefined ? Number.MIN_SAFE_INTEGER : hourOf(since);
    const to = until === undefined ? Number.MAX_SAFE_INTEGER : hourOf(until - 1) + 1;
    return (this.#statement(`SELECT coalesce(sum(count), 0) FROM status_hours WHERE scope IN (${scopes.join(", ")}) AND hour >= ? AND hour < ?`).pluck().get(from, to) as number) ?? 0;
  }

  statusCounts(environmentId: string, query: StatusCountsQuery): StatusCount[] {
    const scopes = this.#scopes(environmentId, query);
    if (scopes.size === 0) return [];
    const scopeList = [...scopes.keys()].join(", ");
    const [table, unit, from, until] =
      query.bucketHours === 24 ? ["status_days", "day", Math.floor(query.fromHour / 24), Math.ceil(query.untilHour / 24)] : ["status_hours", "hour", query.fromHour, query.untilHour];
    // Days are whole: a range that starts or ends inside one counts all of it.
    const where = `WHERE scope IN (${scopeList}) AND ${unit} >= ? AND ${unit} < ?`;
    const toHour = query.bucketHours === 24 ? `${unit} * 24` : unit;
    if (query.perIntegration) {
      const rows = this.#statement(`SELECT scope, ${toHour}, status, count FROM ${table} ${where}`).raw().all(from, until) as [number, number, Status, number][];
      return rows.map(([scope, hour, status, count]) => ({ integrationId: scopes.get(scope)!, hour, status, count }));
    }
    const rows = this.#statement(`SELECT ${toHour}, status, sum(count) FROM ${table} ${where} GROUP BY ${unit}, status`).raw().all(from, until) as [number, Status, number][];
    return rows.map(([hour, status, count]) => ({ hour, status, count }));
  }

  lastCalls(environmentId: string): Map<string, string> {
    const calls = new Map<string, string>();
    for (const row of this.#sql.scopes.all(environmentId) as { integration_id: string; last_call_at: string | null }[]) {
      if (row.last_call_at !== null) calls.set(row.integration_id, row.last_call_at);
    }
    return calls;
  }

  rejected(environmentId: string, query: ListQuery): ActivityPage<RejectedItem> {
    const scopes = this.#scopes(environmentId, query);
    if (scopes.size === 0) return { data: [], next: null };
    const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : parseCursor(query.before);
    const rows = this.#statement(
      `SELECT seq, scope, received_at, error_code, error_message, method, content_type, headers, substr(body, 1, ${REJECTED_BODY_LIMIT}) AS body, length(body) AS bytes
       FROM rejected WHERE scope IN (${[...scopes.keys()].join(", ")}) AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ).all(before, query.limit) as RejectedRow[];
    const data = rows.map((row) => ({
      cursor: String(row.seq),
      integrationId: scopes.get(row.scope)!,
      receivedAt: row.received_at,
      code: row.error_code,
      message: row.error_message,
      method: row.method,
      contentType: row.content_type,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      bodyBytes: row.bytes,
    }));
    return { data, next: data.length < query.limit ? null : data[data.length - 1]!.cursor };
  }

  /** Newest requests first; every kept event of a request is listed with it. */
  kept(environmentId: string, query: ListQuery): ActivityPage<KeptItem> {
    const scopes = this.#scopes(environmentId, query);
    if (scopes.size === 0) return { data: [], next: null };
    const before = query.before === undefined ? Number.MAX_SAFE_INTEGER : parseCursor(query.before);
    const rows = this.#statement(
      `SELECT seq, scope, received_at, kept FROM requests WHERE kept IS NOT NULL AND scope IN (${[...scopes.keys()].join(", ")}) AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ).all(before, query.limit) as { seq: number; scope: number; received_at: string; kept: string }[];
    const data = rows.flatMap((row) => {
      const kept = JSON.parse(row.kept) as { ignored: KeptEntry[]; unmapped: KeptEntry[] };
      const base = { cursor: String(row.seq), integrationId: scopes.get(row.scope)!, receivedAt: row.received_at };
      return [...kept.ignored.map((entry) => keptItem(base, "ignored", entry)), ...kept.unmapped.map((entry) => keptItem(base, "unmapped", entry))];
    });
    return { data, next: rows.length < query.limit ? null : String(rows[rows.length - 1]!.seq) };
  }

  /** The environment's scope ids and their integration ids, narrowed to the selection. */
  #scopes(environmentId: string, selection: IntegrationSelection): Map<number, string> {
    const wanted = selection.integrationIds === undefined ? undefined : new Set(selection.integrationIds);
    const scopes = new Map<number, string>();
    for (const row of this.#sql.scopes.all(environmentId) as { id: number; integration_id: string }[]) {
      if (wanted === undefined || wanted.has(row.integration_id)) scopes.set(row.id, row.integration_id);
    }
    return scopes;
  }

  /** Prepared once per shape of query (filters given, scope list). */
  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size > 256) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/** Hourly counts summed per day. */
function byDay(hours: readonly [scope: number, hour: number, status: string, count: number][]): [scope: number, day: number, status: string, count: number][] {
  const days = new Map<string, [number, number, string, number]>();
  for (const [scope, hour, status, count] of hours) {
    const day = Math.floor(hour / 24);
    const key = `${scope}\u0000${day}\u0000${status}`;
    const entry = days.get(key);
    if (entry === undefined) days.set(key, [scope, day, status, count]);
    else entry[3] += count;
  }
  return [...days.values()];
}

interface RejectedRow {
  seq: number;
  scope: number;
  received_at: string;
  error_code: string;
  error_message: string;
  method: string;
  content_type: string;
  headers: string;
  body: Buffer;
  bytes: number;
}

interface KeptEntry {
  id: string;
  name?: string;
  code?: string;
  reason: string;
  row: string;
}

function keptItem(base: Pick<KeptItem, "cursor" | "integrationId" | "receivedAt">, kind: KeptItem["kind"], entry: KeptEntry): KeptItem {
  return {
    ...base,
    kind,
    id: entry.id,
    ...(entry.name === undefined ? {} : { name: entry.name }),
    ...(entry.code === undefined ? {} : { code: entry.code }),
    reason: entry.reason,
    row: entry.row,
  };
}
