import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openStore, StorageUnavailableError, type AcceptedRecord, type Outbox, type Scope, type Store } from "../src/index.js";
import { ENGINES, PG_SKIP_REASON } from "./databases.js";

const SCOPE: Scope = { environmentId: "env", integrationId: "int" };
const AT = Date.parse("2026-01-01T00:00:00.000Z");

function accepted(ids: readonly string[], extra: Partial<AcceptedRecord> = {}): AcceptedRecord {
  return {
    scope: SCOPE,
    provider: "sendgrid",
    request: { method: "POST", contentType: "application/json", headers: {}, body: new TextEncoder().encode("{}"), receivedAt: new Date(AT).toISOString() },
    results: ids.map((id) => ({ id, event: { status: "bounced" as const, date: "2025-12-31T23:59:00.000Z" }, subscriptions: ["app", "audit"] })),
    ignored: [],
    unmapped: [],
    response: { statusCode: 200, body: "[]" },
    ...extra,
  };
}

/** Makes every idempotency outcome insert fail: the last write of a commit that holds deliveries. */
async function failIdempotencyWrites(engine: string, location: string): Promise<void> {
  if (engine === "sqlite") {
    const db = new Database(location);
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON idempotency BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  await client.query(`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql`);
  await client.query(`CREATE TRIGGER refuse BEFORE INSERT ON tidings_idempotency FOR EACH ROW EXECUTE FUNCTION refuse()`);
  await client.end();
}

async function countAttempts(engine: string, location: string): Promise<number> {
  if (engine === "sqlite") {
    const db = new Database(location, { readonly: true });
    const count = db.prepare(`SELECT count(*) FROM delivery_attempts`).pluck().get() as number;
    db.close();
    return count;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM tidings_delivery_attempts`);
  await client.end();
  return (rows[0] as { n: number }).n;
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`outbox: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    const open = async (): Promise<{ store: Store; outbox: Outbox; location: string }> => {
      const location = await engine.fresh();
      const store = await openStore(location);
      return { store, outbox: store.outbox!, location };
    };

    it("queues one delivery per new result and subscription, in the commit of the result", async () => {
      const { store, outbox } = await open();
      await store.commitAccepted(accepted(["e-1", "e-2"]));
      await store.commitAccepted(accepted(["e-2", "e-3"]));
      const app = await outbox.list("app", { limit: 10 });
      expect(app.data.map((d) => d.eventId).sort()).toEqual(["e-1", "e-2", "e-3"]);
      expect((await outbox.list("audit", { limit: 10 })).data).toHaveLength(3);
      expect(new Set(app.data.map((d) => d.messageId)).size).toBe(3);
      expect(app.data.every((d) => d.state === "pending" && d.nextAt === AT && d.attempts.length === 0)).toBe(true);
      expect(await outbox.size(100)).toEqual({ pending: 6, dead: 0 });
      await store.close();
    });

    it("queues nothing when the commit holding the results fails", async () => {
      const { store, outbox, location } = await open();
      await failIdempotencyWrites(engine.name, location);
      expect(await store.claimIdempotencyKey(SCOPE, "key-1", "fp")).toEqual({ kind: "claimed" });
      await expect(store.commitAccepted(accepted(["lost"], { idempotencyKey: "key-1" }))).rejects.toThrow(StorageUnavailableError);
      expect(await outbox.size(100)).toEqual({ pending: 0, dead: 0 });
      expect((await store.feed(SCOPE, { limit: 10 })).data).toEqual([]);
      await store.close();
    });

    it("leases a claimed job: not claimed again until the lease ends, and a stale claim records nothing", async () => {
      const { store, outbox } = await open();
      await store.commitAccepted(accepted(["l-1"]));
      const [first] = await outbox.claim("app", 5, AT, 1000);
      expect(first).toMatchObject({ subscriptionId: "app", attempts: 0 });
      expect(await outbox.claim("app", 5, AT + 999, 1000)).toEqual([]);
      const [second] = await outbox.claim("app", 5, AT + 1000, 1000);
      expect(second?.id).toBe(first!.id);
      const attempt = { at: AT + 1000, statusCode: 500, latencyMs: 3, error: null, response: "no" };
      expect(await outbox.record(first!, attempt, { state: "pending", nextAt: AT + 5000 })).toBe(false);
      expect(await outbox.record(second!, attempt, { state: "pending", nextAt: AT + 5000 })).toBe(true);
      expect(await outbox.claim("app", 5, AT + 4999, 1000)).toEqual([]);
      const [third] = await outbox.claim("app", 5, AT + 5000, 1000);
      expect(third?.attempts).toBe(1);
      expect(await outbox.record(third!, { ...attempt, statusCode: 410 }, { state: "dead", disableSubscription: "gone" })).toBe(true);
      expect([...(await outbox.disabled()).keys()]).toEqual(["app"]);
      const [job] = (await outbox.list("app", { limit: 10 })).data;
      expect(job).toMatchObject({ state: "dead", nextAt: null });
      expect(job!.attempts.map((a) => a.statusCode)).toEqual([500, 410]);
      expect(await outbox.retry("app", job!.id, AT + 6000)).toBe(true);
      expect(await outbox.retry("app", job!.id, AT + 6000)).toBe(false);
      expect((await outbox.disabled()).size).toBe(0);
      expect((await outbox.claim("app", 5, AT + 6000, 1000)).map((j) => j.id)).toEqual([job!.id]);
      await store.close();
    });

    it("prunes delivered and dead jobs with their attempts past their own ages, in bounded batches, never pending ones", async () => {
      const { store, outbox, location } = await open();
      await store.commitAccepted(accepted(["p-1", "p-2", "p-3", "p-4"]));
      const finish = async (at: number, outcome: Parameters<Outbox["record"]>[2]) => {
        const [job] = await outbox.claim("app", 1, at, 1000);
        expect(await outbox.record(job!, { at, statusCode: 200, latencyMs: 1, error: null, response: null }, outcome)).toBe(true);
        return job!.id;
      };
      const deliveredOld = await finish(AT, { state: "delivered" });
      const deliveredNew = await finish(AT + 10_000, { state: "delivered" });
      const deadOld = await finish(AT + 10_000, { state: "dead" });
      const ids = async () => (await outbox.list("app", { limit: 10 })).data.map((d) => d.id).sort();
      // Delivered before AT + 5000 go; dead only before AT: the dead job is younger than its age.
      expect(await outbox.prune(AT + 5000, AT, 10)).toBe(1);
      expect(await ids()).not.toContain(deliveredOld);
      expect((await ids()).length).toBe(3);
      // A batch stops at its limit; the rest goes in the next one.
      expect(await outbox.prune(AT + 20_000, AT + 20_000, 1)).toBe(1);
      expect(await outbox.prune(AT + 20_000, AT + 20_000, 10)).toBe(1);
      expect(await outbox.prune(AT + 20_000, AT + 20_000, 10)).toBe(0);
      const left = (await outbox.list("app", { limit: 10 })).data;
      expect(left.map((d) => d.id)).not.toContain(deliveredNew);
      expect(left.map((d) => d.id)).not.toContain(deadOld);
      // Pending jobs of either subscription stay, however old.
      expect(left.map((d) => d.state)).toEqual(["pending"]);
      expect((await outbox.list("audit", { limit: 10 })).data).toHaveLength(4);
      await store.close();
      // Their attempts went with them.
      expect(await countAttempts(engine.name, location)).toBe(0);
    });
  });
}
