import { createServer, connect, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { freshPostgres, PG_SKIP_REASON, PG_URL } from "../databases.js";
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
