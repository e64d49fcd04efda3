import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SERVER_TOKENS, SqliteStore, StorageUnavailableError, type Store } from "../src/index.js";
import { API_KEY, EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, removeDir, startTestServer, type TestServer } from "./helpers.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  if (server !== undefined) removeDir(server.dir);
  server = undefined;
});

describe("composition", () => {
  it("resolves the receiver's clock from the container, so a registration in configure replaces it", async () => {
    const fixed = new Date("2031-02-03T04:05:06.000Z");
    server = await startTestServer({ configure: (container) => container.register(SERVER_TOKENS.Now, { useValue: () => fixed }) });
    expect((await server.post(EVERLYTIC, JSON.stringify(everlyticPayload("c-1")), { authorization: EVERLYTIC_BASIC })).status).toBe(200);
    const page = (await (await server.get(`${EVERLYTIC}/events`, { authorization: `ApiKey ${API_KEY}` })).json()) as { data: { receivedAt: string }[] };
    expect(page.data.map((item) => item.receivedAt)).toEqual([fixed.toISOString()]);
  });

  it("uses a store registered in configure, and then opens none of its own", async () => {
    let probes = 0;
    server = await startTestServer({
      configure: (container) =>
        container.register(SERVER_TOKENS.Store, {
          useFactory: () => {
            const inner = new SqliteStore(":memory:");
            const failing: Store = Object.assign(Object.create(inner) as Store, {
              probeWrite: async () => {
                probes++;
                throw new StorageUnavailableError("swapped in by the test");
              },
              close: () => inner.close(),
            });
            return failing;
          },
        }),
    });
    expect((await server.get("/health")).status).toBe(503);
    expect(probes).toBe(1);
    expect(existsSync(server.database)).toBe(false);
  });
});
