import { createServer, connect, type Server, type Socket } from "node:net";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ENGINES, freshPostgres, PG_SKIP_REASON, PG_URL } from "../databases.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, feedIds, removeDir, startTestServer } from "../helpers.js";

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
