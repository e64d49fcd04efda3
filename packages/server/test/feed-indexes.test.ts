import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresFeedQuery, POSTGRES_TIMELINE } from "../src/store/postgres/index.js";
import { SQLITE_TIMELINE, sqliteFilteredFeed } from "../src/store/sqlite/index.js";
import { MAX_TIMELINE, type AcceptedRecord, type FeedFilter, type Scope } from "../src/store/store.js";
import { PostgresStore, SqliteStore } from "../src/index.js";
import { freshPostgres, freshSqlite, PG_SKIP_REASON, PG_URL } from "./databases.js";

const SCOPE: Scope = { environmentId: "env", integrationId: "int" };

/** Each filter, and the index that must serve it (the suffix both engines name their index with). */
const FILTERS: readonly [FeedFilter, string][] = [
  [{ statuses: ["bounced"] }, "status"],
  [{ statuses: ["bounced", "blocked"] }, "status"],
  [{ externalId: "m-7" }, "external_id"],
  [{ correlationId: "o-7" }, "correlation_id"],
  [{ recipient: "r7@example.com" }, "recipient"],
  // The events' times run from 00:00:01 to 00:33:20: each range holds a few of them.
  [{ since: Date.parse("2026-01-01T00:33:15Z") }, "event_at"],
  [{ until: Date.parse("2026-01-01T00:00:05Z") }, "event_at"],
];

/** Many events, each filter value rare among them, so a planner that weighs costs picks the index too. */
function manyEvents(count: number): AcceptedRecord {
  return {
    scope: SCOPE,
    provider: "sendgrid",
    request: { method: "POST", contentType: "application/json", headers: {}, body: new TextEncoder().encode("[]"), receivedAt: "2026-01-01T00:00:00.000Z" },
    results: Array.from({ length: count }, (_, i) => ({
      id: `e${i}`,
      event: { status: i % 500 === 0 ? ("bounced" as const) : ("delivered" as const), date: new Date(Date.parse("2026-01-01T00:00:00Z") + (count - i) * 1000).toISOString(), externalId: `m-${i}` },
      details: { recipient: `r${i}@example.com` },
      correlationId: `o-${i}`,
    })),
    ignored: [],
    unmapped: [],
    response: { statusCode: 200, body: "[]" },
  };
}

describe("the feed's filters on SQLite", () => {
  it("each read an index (EXPLAIN QUERY PLAN), as do both halves of the timeline", async () => {
    const path = freshSqlite();
    const store = new SqliteStore(path);
    await store.commitAccepted(manyEvents(2000));
    await store.close();
    const db = new Database(path, { readonly: true });
    const plan = (sql: string, params: unknown) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params as never) as { detail: string }[]).map((row) => row.detail).join("\n");
    for (const [filter, column] of FILTERS) {
      const { sql, params } = sqliteFilteredFeed(1, { ...filter, limit: 100 }, 0);
      const detail = plan(sql, params);
      expect([filter, detail]).toEqual([filter, expect.stringMatching(new RegExp(`USING (COVERING )?INDEX events_${column} `))]);
    }
    const timeline = plan(SQLITE_TIMELINE, { scope: 1, id: "m-7", limit: MAX_TIMELINE });
    expect(timeline).toMatch(/USING (COVERING )?INDEX events_external_id /);
    expect(timeline).toMatch(/USING (COVERING )?INDEX events_correlation_id /);
    db.close();
  });

  it("creates the index on a database of the previous layout, whose events the feed still reads", async () => {
    const path = freshSqlite();
    const store = new SqliteStore(path);
    await store.commitAccepted(manyEvents(3));
    await store.close();
    // Back to layout 3: no per-event index.
    const db = new Database(path);
    db.exec("DROP TABLE events");
    db.pragma("user_version = 3");
    db.close();
    const reopened = new SqliteStore(path, { create: false });
    expect((await reopened.feed(SCOPE, { limit: 10 })).data.map((item) => item.id)).toEqual(["e0", "e1", "e2"]);
    await reopened.commitAccepted({ ...manyEvents(1), results: [{ ...manyEvents(1).results[0]!, id: "new" }] });
    expect((await reopened.feed(SCOPE, { limit: 10, externalId: "m-0" })).data.map((item) => item.id)).toEqual(["new"]);
    await reopened.close();
  });
});

describe.skipIf(PG_URL === undefined)(`the feed's filters on PostgreSQL${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("each read an index (EXPLAIN), as do both halves of the timeline", async () => {
    const url = await freshPostgres();
    const store = await PostgresStore.open(url);
    await store.commitAccepted(manyEvents(2000));
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("ANALYZE tidings_events");
      // Sequential scans off: what is left to choose from is the indexes, and the filter's must win.
      await client.query("SET enable_seqscan = off");
      const plan = async (sql: string, params: unknown[]) => ((await client.query(`EXPLAIN ${sql}`, params)).rows as { "QUERY PLAN": string }[]).map((row) => row["QUERY PLAN"]).join("\n");
      for (const [filter, column] of FILTERS) {
        const { sql, params } = postgresFeedQuery(SCOPE, { ...filter, limit: 100 }, 0);
        expect([filter, await plan(sql, params)]).toEqual([filter, expect.stringMatching(new RegExp(`(using|on) tidings_events_${column}\\b`))]);
      }
      const timeline = await plan(POSTGRES_TIMELINE, [SCOPE.environmentId, SCOPE.integrationId, "m-7", MAX_TIMELINE]);
      expect(timeline).toMatch(/(using|on) tidings_events_external_id\b/);
      expect(timeline).toMatch(/(using|on) tidings_events_correlation_id\b/);
    } finally {
      await client.end();
    }
  });

  it("adds the columns to a database of the previous layout, whose events the feed still reads", async () => {
    const url = await freshPostgres();
    const store = await PostgresStore.open(url);
    await store.commitAccepted(manyEvents(3));
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "ALTER TABLE tidings_events DROP COLUMN provider, DROP COLUMN details, DROP COLUMN status, DROP COLUMN event_at, DROP COLUMN external_id, DROP COLUMN correlation_id, DROP COLUMN recipient",
    );
    await client.end();
    const reopened = await PostgresStore.open(url);
    expect((await reopened.feed(SCOPE, { limit: 10 })).data.map((item) => item.id)).toEqual(["e0", "e1", "e2"]);
    await reopened.commitAccepted({ ...manyEvents(1), results: [{ ...manyEvents(1).results[0]!, id: "new" }] });
    expect((await reopened.feed(SCOPE, { limit: 10, externalId: "m-0" })).data.map((item) => item.id)).toEqual(["new"]);
    await reopened.close();
  });
});
