import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { ENGINES, freshPostgres, PG_SKIP_REASON, PG_URL } from "../databases.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, feedIds, removeDir, startTestServer, TEST_CONFIG } from "../helpers.js";
import { startPrivatePostgres } from "./private-postgres.js";
import { startReceiverProcess, writeConfig, type ReceiverProcess } from "./processes.js";

/** A TCP proxy in front of PostgreSQL that can cut the database off and bring it back. */
async function databaseProxy(target: URL): Promise<{ port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await listen();
  return { port, down, up: listen, close: down };
}

describe.skipIf(PG_URL === undefined)(`storage faults: PostgreSQL goes away${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("answers 503 with the error shape, writes nothing partial, and recovers when the database returns", async () => {
    const database = new URL(await freshPostgres());
    const proxy = await databaseProxy(database);
    const viaProxy = new URL(database);
    viaProxy.port = String(proxy.port);
    const server = await startTestServer({ database: viaProxy.toString() });
    const post = (id: string) =>
      server.post(EVERLYTIC, JSON.stringify(everlyticPayload(id)), { authorization: EVERLYTIC_BASIC });
    const feed = () => feedIds(server.url);
    try {
      expect((await post("before")).status).toBe(200);
      await proxy.down();
      const during = await post("during");
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toBe("5");
      expect(await during.json()).toMatchObject({ statusCode: 503, code: "storage_unavailable" });
      expect((await server.get("/health")).status).toBe(503);
      await proxy.up();
      expect((await post("during")).status).toBe(200);
      expect((await post("after")).status).toBe(200);
      expect(await feed()).toEqual(["before", "during", "after"]);
    } finally {
      await server.stop();
      await proxy.close();
      removeDir(server.dir);
    }
  }, 60_000);
});

/** What the senders saw: every status, the ids acknowledged, and anything that was not an HTTP answer. */
interface Tally {
  readonly acknowledged: Set<string>;
  readonly statuses: Map<number, number>;
  /** 200s per instance after the database came back. */
  readonly recovered: number[];
  unhinted503: number;
  networkErrors: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One sender: posts new ids one after another, each with its own idempotency key, and retries a
 * 503 with the same key (on the other instance) until it gets a 200 or the run ends, as a
 * provider would.
 */
async function sender(w: number, urls: readonly string[], tally: Tally, state: { stop: boolean; restarted: boolean }): Promise<void> {
  for (let n = 0; !state.stop; n++) {
    const id = `load-${w}-${n}`;
    const body = JSON.stringify(everlyticPayload(id));
    for (let attempt = 0; !state.stop; attempt++) {
      const instance = (w + attempt) % urls.length;
      let status: number;
      try {
        const response = await fetch(urls[instance]! + EVERLYTIC, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", authorization: EVERLYTIC_BASIC, "idempotency-key": id },
        });
        status = response.status;
        if (status === 503 && response.headers.get("retry-after") === null) tally.unhinted503++;
        await response.arrayBuffer();
      } catch {
        tally.networkErrors++;
        await sleep(100);
        continue;
      }
      tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
      if (status === 200) {
        tally.acknowledged.add(id);
        if (state.restarted) tally.recovered[instance]!++;
        break;
      }
      await sleep(20);
    }
  }
}

describe.skipIf(PG_URL === undefined)(`storage faults: PostgreSQL restarted under load${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("two instances stay up through terminated backends and a server restart: 503s with retry-after, then 200s, every acknowledged id once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-pg-restart-"));
    const server = await startPrivatePostgres();
    const instances: ReceiverProcess[] = [];
    try {
      const database = await server.freshDatabase();
      const config = writeConfig(dir, TEST_CONFIG);
      instances.push(...(await Promise.all([startReceiverProcess(config, database), startReceiverProcess(config, database)])));
      const urls = instances.map((instance) => instance.url);
      const tally: Tally = { acknowledged: new Set(), statuses: new Map(), recovered: urls.map(() => 0), unhinted503: 0, networkErrors: 0 };
      const state = { stop: false, restarted: false };
      const senders = Array.from({ length: 32 }, (_, w) => sender(w, urls, tally, state));

      await sleep(1_000);
      // Cut every connection mid-request: some in a transaction, some checked out between queries.
      expect(await server.terminateBackends(database)).toBeGreaterThan(0);
      await sleep(500);
      await server.restart();
      state.restarted = true;
      const deadline = Date.now() + 20_000;
      while (tally.recovered.some((count) => count < 20) && Date.now() < deadline) await sleep(100);
      state.stop = true;
      await Promise.all(senders);

      for (const instance of instances) expect(instance.alive(), instance.output()).toBe(true);
      expect(tally.networkErrors).toBe(0);
      // 503 during the outage, 200 otherwise; no 409 (no idempotency claim outlived its failed write), no 500.
      expect([...tally.statuses.keys()].sort()).toEqual([200, 503]);
      expect(tally.unhinted503).toBe(0);
      expect(tally.recovered, instances.map((instance) => instance.output()).join("\n")).toEqual(tally.recovered.map((count) => Math.max(count, 20)));
      for (const url of urls) {
        const stored = await feedIds(url);
        expect(stored.length).toBe(new Set(stored).size);
        const storedSet = new Set(stored);
        expect([...tally.acknowledged].filter((id) => !storedSet.has(id))).toEqual([]);
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

/**
 * Makes the database refuse writes the way a full disk does, after an idempotency key was claimed:
 * storing a request fails, and so does removing or changing an idempotency row.
 */
async function refuseWrites(engine: string, database: string): Promise<() => Promise<void>> {
  if (engine === "sqlite") {
    const db = new Database(database);
    db.exec(`CREATE TRIGGER refuse_requests BEFORE INSERT ON requests BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
             CREATE TRIGGER refuse_claims BEFORE DELETE ON idempotency BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
    return async () => {
      db.exec("DROP TRIGGER refuse_requests; DROP TRIGGER refuse_claims;");
      db.close();
    };
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  await client.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$;
    CREATE TRIGGER refuse_requests BEFORE INSERT ON tidings_requests FOR EACH ROW EXECUTE FUNCTION refuse();
    CREATE TRIGGER refuse_claims BEFORE DELETE ON tidings_idempotency FOR EACH ROW EXECUTE FUNCTION refuse();`);
  return async () => {
    await client.query("DROP FUNCTION refuse() CASCADE");
    await client.end();
  };
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`storage faults: an idempotency key after a failed write (${engine.name})${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    it("is free for the client's retry right after the write failed, not held in flight", async () => {
      const database = await engine.fresh();
      const server = await startTestServer({ database });
      try {
        const headers = { authorization: EVERLYTIC_BASIC, "idempotency-key": "retry-after-failure" };
        const body = JSON.stringify(everlyticPayload("retry-after-failure"));
        expect((await server.post(EVERLYTIC, JSON.stringify(everlyticPayload("before")), { authorization: EVERLYTIC_BASIC })).status).toBe(200);
        const allow = await refuseWrites(engine.name, database);
        const failed = await server.post(EVERLYTIC, body, headers);
        expect(failed.status).toBe(503);
        await allow();
        const retried = await server.post(EVERLYTIC, body, headers);
        expect(retried.status).toBe(200);
        expect(retried.headers.get("idempotency-replay")).toBeNull();
        const replayed = await server.post(EVERLYTIC, body, headers);
        expect(replayed.headers.get("idempotency-replay")).toBe("true");
        expect(await replayed.text()).toBe(await retried.text());
        expect(await feedIds(server.url)).toEqual(["before", "retry-after-failure"]);
      } finally {
        await server.stop();
        removeDir(server.dir);
      }
    });
  });
}

describe.skipIf(PG_URL === undefined)(`storage faults: PostgreSQL permissions${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("/health is 503 while the receiver's role may not write, and 200 again once it may, without a restart", async () => {
    const database = new URL(await freshPostgres());
    const role = `tidings_writer_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: database.toString() });
    await admin.connect();
    // The role owns the database (and so, from PostgreSQL 15, its public schema) and creates the tables.
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`ALTER DATABASE ${database.pathname.slice(1)} OWNER TO ${role}`);
    const asRole = new URL(database);
    asRole.username = role;
    const server = await startTestServer({ database: asRole.toString() });
    const post = (id: string) => server.post(EVERLYTIC, JSON.stringify(everlyticPayload(id)), { authorization: EVERLYTIC_BASIC });
    try {
      expect((await post("allowed")).status).toBe(200);
      expect((await server.get("/health")).status).toBe(200);
      await admin.query(`REVOKE INSERT ON tidings_requests FROM ${role}`);
      expect((await server.get("/health")).status).toBe(503);
      expect((await post("refused")).status).toBe(503);
      await admin.query(`GRANT INSERT ON tidings_requests TO ${role}`);
      expect((await server.get("/health")).status).toBe(200);
      expect((await post("refused")).status).toBe(200);
      expect(await feedIds(server.url)).toEqual(["allowed", "refused"]);
    } finally {
      await server.stop();
      removeDir(server.dir);
      await admin.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
});
