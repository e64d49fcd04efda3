import { describe, expect, it } from "vitest";
import { openStore, PostgresStore, SqliteStore, type AcceptedRecord, type Scope, type Store } from "../src/index.js";
import { ENGINES, PG_SKIP_REASON } from "./databases.js";

const SCOPE: Scope = { environmentId: "env", integrationId: "int" };
const OTHER: Scope = { environmentId: "env", integrationId: "other" };

function accepted(ids: readonly string[], extra: Partial<AcceptedRecord> = {}, scope = SCOPE): AcceptedRecord {
  return {
    scope,
    provider: "sendgrid",
    request: { method: "POST", contentType: "application/json", headers: { authorization: "[redacted]" }, body: new TextEncoder().encode("{}"), receivedAt: "2026-01-01T00:00:00.000Z" },
    results: ids.map((id) => ({ id, event: { status: "delivered" as const, date: "2026-01-01T00:00:00.000Z", row: `{"id":"${id}"}` } })),
    ignored: [{ id: `ign-${ids[0] ?? "x"}`, name: "resubscribe", reason: "no status", row: "{}" }],
    unmapped: [{ id: `unm-${ids[0] ?? "x"}`, code: "unknown_event", reason: "unknown", row: "{}" }],
    response: { statusCode: 200, body: "[]" },
    ...extra,
  };
}

async function allIds(store: Store, scope = SCOPE): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.feed(scope, { ...(after === undefined ? {} : { after }), limit: 7 });
    ids.push(...page.data.map((item) => item.id));
    if (page.next === null) return ids;
    after = page.next;
  }
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`store contract: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    const open = async (options: { now?: () => number; location?: string } = {}) => {
      const location = options.location ?? (await engine.fresh());
      const store =
        options.now === undefined
          ? await openStore(location)
          : engine.name === "sqlite"
            ? new SqliteStore(location, { now: options.now, inFlightTtlMs: 1000 })
            : await PostgresStore.open(location, { now: options.now, inFlightTtlMs: 1000 });
      return { store, location };
    };

    it("stores results in order, keeps ignored and unmapped out of the feed, and pages without gaps", async () => {
      const { store } = await open();
      for (let i = 0; i < 5; i++) await store.commitAccepted(accepted([`a${i}`, `b${i}`]));
      await store.commitAccepted(accepted(["elsewhere"], {}, OTHER));
      expect(await allIds(store)).toEqual(["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"]);
      expect(await allIds(store, OTHER)).toEqual(["elsewhere"]);
      const first = await store.feed(SCOPE, { limit: 3 });
      expect(first.data[0]).toMatchObject({ id: "a0", event: { status: "delivered" }, receivedAt: "2026-01-01T00:00:00.000Z" });
      expect((await store.feed(SCOPE, { after: first.next!, limit: 100 })).data.map((d) => d.id)[0]).toBe("b1");
      const end = (await store.feed(SCOPE, { limit: 1000 })).next!;
      expect(await store.feed(SCOPE, { after: end, limit: 10 })).toEqual({ data: [], next: null });
      await store.close();
    });

    it("gives back every result's row exactly, whether or not the body holds it verbatim", async () => {
      const { store } = await open();
      const rows = ['{"id":"r1","note":"caf\u00e9 \u2603"}', '{"id":"r2","emoji":"\ud83d\ude00"}', '{"not":"in the body"}', '{"id":"r4"}'];
      // The body holds the first two rows (with multi-byte characters before them) but not the rest.
      const body = new TextEncoder().encode(`\ufeff[\u2603, ${rows[0]},\r\n  ${rows[1]}, {"id":"r4"}]`);
      const record = accepted([]);
      await store.commitAccepted({
        ...record,
        request: { ...record.request, body },
        results: rows.map((row, i) => ({ id: `row-${i}`, event: { status: "opened" as const, date: "2026-01-01T00:00:00.000Z", externalId: `m${i}`, row } })),
      });
      const page = await store.feed(SCOPE, { limit: 10 });
      expect(page.data.map((item) => item.event)).toEqual(rows.map((row, i) => ({ status: "opened", date: "2026-01-01T00:00:00.000Z", externalId: `m${i}`, row })));
      await store.close();
    });

    it("stores a re-delivered result id once", async () => {
      const { store } = await open();
      await store.commitAccepted(accepted(["dup"]));
      await store.commitAccepted(accepted(["dup"]));
      await Promise.all([store.commitAccepted(accepted(["dup", "new"])), store.commitAccepted(accepted(["new"]))]);
      expect(await allIds(store)).toEqual(["dup", "new"]);
      await store.close();
    });

    it("commits many concurrent writes, each exactly once", async () => {
      const { store } = await open();
      const ids = Array.from({ length: 300 }, (_, i) => `c${i}`);
      await Promise.all(ids.map((id) => store.commitAccepted(accepted([id]))));
      const stored = await allIds(store);
      expect(stored.length).toBe(300);
      expect(new Set(stored)).toEqual(new Set(ids));
      await store.close();
    });

    it("claims, replays, refuses and releases idempotency keys", async () => {
      let now = 1_000_000;
      const { store } = await open({ now: () => now });
      expect(await store.claimIdempotencyKey(SCOPE, "k", "f1")).toEqual({ kind: "claimed" });
      expect(await store.claimIdempotencyKey(SCOPE, "k", "f1")).toEqual({ kind: "in_flight" });
      expect(await store.claimIdempotencyKey(SCOPE, "k", "f2")).toEqual({ kind: "fingerprint_mismatch" });
      expect(await store.claimIdempotencyKey(OTHER, "k", "f2")).toEqual({ kind: "claimed" });
      await store.commitAccepted(accepted(["idem"], { idempotencyKey: "k", response: { statusCode: 200, body: '[{"id":"idem"}]' } }));
      expect(await store.claimIdempotencyKey(SCOPE, "k", "f1")).toEqual({ kind: "replay", response: { statusCode: 200, body: '[{"id":"idem"}]' } });
      await store.releaseIdempotencyKey(OTHER, "k");
      expect(await store.claimIdempotencyKey(OTHER, "k", "f3")).toEqual({ kind: "claimed" });
      // A claim whose process died is taken over once it is older than the in-flight TTL.
      now += 5_000;
      expect(await store.claimIdempotencyKey(OTHER, "k", "f3")).toEqual({ kind: "claimed" });
      expect(await store.claimIdempotencyKey(OTHER, "k", "f3")).toEqual({ kind: "in_flight" });
      await store.close();
    });

    it("keeps rejected requests out of the feed", async () => {
      const { store } = await open();
      await store.recordRejected({ scope: SCOPE, request: accepted([]).request, code: "unauthorized", message: "bad signature" });
      expect(await allIds(store)).toEqual([]);
      await store.close();
    });

    it("refuses cursors it did not issue", async () => {
      const { store } = await open();
      await expect(store.feed(SCOPE, { after: "abc", limit: 10 })).rejects.toThrow(/not a feed cursor/);
      await expect(store.feed(SCOPE, { after: "-1", limit: 10 })).rejects.toThrow(/not a feed cursor/);
      await store.close();
    });

    it("keeps everything across close and reopen", async () => {
      const first = await open();
      await first.store.commitAccepted(accepted(["kept"]));
      await first.store.close();
      const second = await open({ location: first.location });
      expect(await allIds(second.store)).toEqual(["kept"]);
      await second.store.close();
    });
  });
}
