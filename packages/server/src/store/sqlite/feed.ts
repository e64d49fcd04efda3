import type Database from "better-sqlite3";
import { isFiltered, MAX_TIMELINE, type FeedItem, type FeedPage, type FeedQuery } from "../store.js";
import { feedItem, readResults, type FeedRow, type StoredItem } from "./results.js";
import { SLOTS } from "./schema.js";

/**
 * A message's events: each half of the union reads its own index (external id, correlation id);
 * sorting outside it keeps the planner from walking the time index instead to save the sort.
 */
export const SQLITE_TIMELINE = `SELECT cursor FROM events WHERE cursor IN (
    SELECT cursor FROM events WHERE scope = :scope AND external_id = :id
    UNION SELECT cursor FROM events WHERE scope = :scope AND correlation_id = :id
  ) ORDER BY event_at, cursor LIMIT :limit`;

/**
 * The feed and the timeline of one scope. An unfiltered page walks the requests in order and reads
 * their stored results; a filtered page and a timeline find cursors in the per-event index, then
 * read each request row once.
 */
export class SqliteFeed {
  readonly #db: Database.Database;
  readonly #page: Database.Statement;
  readonly #requestsBySeq: Database.Statement;
  readonly #timeline: Database.Statement;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#page = db.prepare(`SELECT seq, received_at, results, body FROM requests WHERE scope = ? AND result_count > 0 AND seq >= ? ORDER BY seq LIMIT ?`);
    this.#requestsBySeq = db.prepare(`SELECT seq, received_at, results, body FROM requests WHERE seq IN (SELECT value FROM json_each(?))`);
    this.#timeline = db.prepare(SQLITE_TIMELINE).pluck();
  }

  page(scopeId: number, query: FeedQuery, cursor: number): FeedPage {
    const { limit } = query;
    if (isFiltered(query)) {
      const { sql, params } = sqliteFilteredFeed(scopeId, query, cursor);
      const found = this.itemsAt(this.#statement(sql).pluck().all(...params) as number[]);
      return { data: found, next: found.length === 0 ? null : found[found.length - 1]!.cursor };
    }
    const data: FeedItem[] = [];
    let fromSeq = Math.floor(cursor / SLOTS);
    let skip = cursor % SLOTS;
    while (data.length < limit) {
      const rows = this.#page.all(scopeId, fromSeq, limit + 1) as FeedRow[];
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
    return { data, next: data.length > 0 ? data[data.length - 1]!.cursor : null };
  }

  timeline(scopeId: number, messageId: string): FeedItem[] {
    return this.itemsAt(this.#timeline.all({ scope: scopeId, id: messageId, limit: MAX_TIMELINE }) as number[]);
  }

  /** The items at these cursors, in their order, each request row read once. */
  itemsAt(cursors: readonly number[]): FeedItem[] {
    const seqs = [...new Set(cursors.map((cursor) => Math.floor((cursor - 1) / SLOTS)))];
    const requests = new Map<number, { row: FeedRow; results: StoredItem[] }>();
    for (const row of this.#requestsBySeq.all(JSON.stringify(seqs)) as FeedRow[]) requests.set(row.seq, { row, results: readResults(row) });
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
