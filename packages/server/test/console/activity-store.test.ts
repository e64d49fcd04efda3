import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Status } from "@tidings/core";
import type { ActivityStore } from "../../src/store/activity.js";
import type { AcceptedRecord, Scope, Store } from "../../src/store/store.js";
import { openStore, PostgresStore, SqliteStore } from "../../src/index.js";
import { ENGINES, freshPostgres, freshSqlite, PG_SKIP_REASON, PG_URL } from "../databases.js";

const A: Scope = { environmentId: "env", integrationId: "a" };
const B: Scope = { environmentId: "env", integrationId: "b" };
const OTHER: Scope = { environmentId: "other", integrationId: "a" };
const H0 = Date.UTC(2026, 0, 1) / 3_600_000; // the first hour of 2026

/** One request's results: [id, status, hours after H0 (fractions fall inside the hour)]. */
function record(scope: Scope, results: readonly [string, Status, number][], receivedAt = "2026-02-01T00:00:00.000Z"): AcceptedRecord {
  return {
    scope,
    provider: "sendgrid",
    request: { method: "POST", contentType: "application/json", headers: {}, body: new TextEncoder().encode("[]"), receivedAt },
    results: results.map(([id, status, hours]) => ({ id, event: { status, date: new Date((H0 + hours) * 3_600_000).toISOString() } })),
    ignored: [],
    unmapped: [],
    response: { statusCode: 200, body: "[]" },
  };
}

async function fill(store: Store): Promise<void> {
  await store.commitAccepted(record(A, [["a1", "delivered", 0.1], ["a2", "delivered", 0.9], ["a3", "bounced", 1.5], ["a4", "opened", 30]]));
  // A re-delivery of a1 and a new one: only a5 counts.
  await store.commitAccepted(record(A, [["a1", "delivered", 0.1], ["a5", "delivered", 0.2]], "2026-02-01T00:00:05.000Z"));
  await store.commitAccepted(record(B, [["b1", "delivered", 0.5]], "2026-02-01T00:00:01.000Z"));
  await store.commitAccepted(record(OTHER, [["o1", "delivered", 0.5]]));
  await store.recordRejected({ scope: B, request: { method: "POST", contentType: "text/plain", headers: {}, body: new Uint8Array(3), receivedAt: "2026-02-01T00:00:09.000Z" }, code: "unauthorized", message: "no" });
}

const sorted = <T extends { hour: number; status: string }>(rows: readonly T[]) => [...rows].sort((x, y) => x.hour - y.hour || x.status.localeCompare(y.status) || String((x as { integrationId?: string }).integrationId).localeCompare(String((y as { integrationId?: string }).integrationId)));

async function expectRollup(store: ActivityStore): Promise<void> {
  const hourly = await store.statusCounts("env", { fromHour: H0, untilHour: H0 + 48, bucketHours: 1, perIntegration: true });
  expect(sorted(hourly)).toEqual(
    sorted([
      { integrationId: "a", hour: H0, status: "delivered", count: 3 },
      { integrationId: "b", hour: H0, status: "delivered", count: 1 },
      { integrationId: "a", hour: H0 + 1, status: "bounced", count: 1 },
      { integrationId: "a", hour: H0 + 30, status: "opened", count: 1 },
    ]),
  );
  const totals = await store.statusCounts("env", { fromHour: H0, untilHour: H0 + 2, bucketHours: 1, perIntegration: false });
  expect(sorted(totals)).toEqual(sorted([{ hour: H0, status: "delivered", count: 4 }, { hour: H0 + 1, status: "bounced", count: 1 }]));
  const daily = await store.statusCounts("env", { fromHour: H0, untilHour: H0 + 48, bucketHours: 24, perIntegration: false, integrationIds: ["a"] });
  expect(sorted(daily)).toEqual(sorted([{ hour: H0, status: "delivered", count: 3 }, { hour: H0, status: "bounced", count: 1 }, { hour: H0 + 24, status: "opened", count: 1 }]));
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`the console's reads: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    it("counts each stored result once, in its hour and its day, apart per environment", async () => {
      const store = (await openStore(await engine.fresh())) as Store & ActivityStore;
      await fill(store);
      await expectRollup(store);
      expect(await store.statusCounts("other", { fromHour: H0, untilHour: H0 + 1, bucketHours: 1, perIntegration: true })).toEqual([{ integrationId: "a", hour: H0, status: "delivered", count: 1 }]);
      await store.close();
    });

    it("knows each integration's last call, accepted or refused", async () => {
      const store = (await openStore(await engine.fresh())) as Store & ActivityStore;
      await fill(store);
      expect(Object.fromEntries(await store.lastCalls("env"))).toEqual({ a: "2026-02-01T00:00:05.000Z", b: "2026-02-01T00:00:09.000Z" });
      await store.close();
    });

    it("pages events newest first across the environment's integrations, and only those", async () => {
      const store = (await openStore(await engine.fresh())) as Store & ActivityStore;
      await fill(store);
      const first = await store.recent("env", { limit: 3 });
      expect(first.data.map((item) => [item.integrationId, item.id])).toEqual([["b", "b1"], ["a", "a5"], ["a", "a4"]]);
      const second = await store.recent("env", { limit: 3, before: first.next! });
      expect(second.data.map((item) => item.id)).toEqual(["a3", "a2", "a1"]);
      expect((await store.recent("env", { limit: 3, before: second.next! })).data).toEqual([]);
      expect((await store.recent("env", { limit: 10, statuses: ["delivered"], integrationIds: ["a"] })).data.map((item) => item.id)).toEqual(["a5", "a2", "a1"]);
      const range = { since: (H0 + 0.15) * 3_600_000, until: (H0 + 2) * 3_600_000 };
      expect((await store.recent("env", { limit: 10, ...range })).data.map((item) => item.id)).toEqual(["b1", "a5", "a3", "a2"]);
      expect((await store.recent("env", { limit: 10, statuses: ["delivered", "bounced"], ...range })).data.map((item) => item.id)).toEqual(["b1", "a5", "a3", "a2"]);
      expect((await store.recent("other", { limit: 10 })).data.map((item) => item.id)).toEqual(["o1"]);
      await store.close();
    });
  });
}

describe("the roll-up on a database of an earlier layout", () => {
  it("SQLite: layout 4 gains the roll-up, filled from the stored events", async () => {
    const path = freshSqlite();
    const store = new SqliteStore(path);
    await fill(store);
    await store.close();
    const db = new Database(path);
    db.exec("DROP TABLE status_hours; DROP TABLE status_days; DROP INDEX requests_kept; ALTER TABLE scopes DROP COLUMN last_call_at");
    db.pragma("user_version = 4");
    db.close();
    const reopened = new SqliteStore(path, { create: false });
    await expectRollup(reopened);
    expect(Object.fromEntries(await reopened.lastCalls("env"))).toEqual({ a: "2026-02-01T00:00:05.000Z", b: "2026-02-01T00:00:09.000Z" });
    await reopened.close();
  });

  it.skipIf(PG_URL === undefined)(`PostgreSQL: the roll-up tables are created and filled from the stored events${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, async () => {
    const url = await freshPostgres();
    const store = await PostgresStore.open(url);
    await fill(store);
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("DROP TABLE tidings_status_hours; DROP TABLE tidings_status_days; DROP TABLE tidings_scope_activity");
    await client.end();
    const reopened = await PostgresStore.open(url);
    await expectRollup(reopened);
    expect(Object.fromEntries(await reopened.lastCalls("env"))).toEqual({ a: "2026-02-01T00:00:05.000Z", b: "2026-02-01T00:00:09.000Z" });
    await reopened.close();
  });
});
