import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENGINES, PG_SKIP_REASON, PG_URL, freshPostgres } from "../databases.js";
import { SECRET, startEndpoint, until, type Endpoint } from "../endpoint.js";
import { API_KEY, INBOUND, removeDir, sendgridBatch, startTestServer, TEST_CONFIG, type TestServer } from "../helpers.js";
import { startReceiverProcess, writeConfig, type ReceiverProcess } from "./processes.js";

const AUTH = { authorization: `ApiKey ${API_KEY}`, "content-type": "application/json" };
const SENDGRID = `${INBOUND}/env-a/sendgrid`;

function config(endpoint: Endpoint) {
  return {
    ...TEST_CONFIG,
    subscriptions: [{ id: "app", environmentId: "env-a", url: endpoint.url, secret: SECRET, allowPrivateNetwork: true, retrySchedule: [0, 0, 0] }],
    // A 1 s timeout makes the lease of an attempt whose process died 3 s (PostgreSQL waits it out).
    delivery: { pollMs: 20, timeoutMs: 1000 },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`delivery across kill -9 on ${engine.name}`, () => {
    it("delivers every event after the receiver is killed mid-delivery and restarted", async () => {
      let phase: "hang" | "answer" = "hang";
      const endpoint = await startEndpoint(() => (phase === "hang" ? "hang" : 200));
      cleanups.push(() => endpoint.close());
      const dir = mkdtempSync(join(tmpdir(), "tidings-delivery-crash-"));
      cleanups.push(async () => removeDir(dir));
      const configPath = writeConfig(dir, config(endpoint));
      const database = engine.name === "sqlite" ? join(dir, "tidings.db") : await engine.fresh();
      let receiver: ReceiverProcess = await startReceiverProcess(configPath, database);
      cleanups.push(() => receiver.stop());
      const ids = Array.from({ length: 20 }, (_, i) => `k-${i}`);
      const answer = await fetch(receiver.url + SENDGRID, { method: "POST", headers: AUTH, body: sendgridBatch(ids.map((id) => ({ event: "delivered", id }))) });
      expect(answer.status).toBe(200);
      await until(() => endpoint.received.length > 0, "an attempt in flight");
      await receiver.kill9();

      phase = "answer";
      receiver = await startReceiverProcess(configPath, database, { create: false });
      await until(() => new Set(endpoint.delivered()).size === ids.length, "every event delivered after the restart");
      expect(endpoint.received.every((r) => r.verified)).toBe(true);
      expect(new Set(endpoint.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).data.id))).toEqual(new Set(ids));
    });
  });
}

describe.skipIf(PG_URL === undefined)(`three PostgreSQL instances${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("share 1,000 deliveries without sending any twice", async () => {
    const endpoint = await startEndpoint(() => 200);
    cleanups.push(() => endpoint.close());
    const database = await freshPostgres();
    const instances: TestServer[] = [];
    for (let i = 0; i < 3; i++) {
      const server = await startTestServer({ config: { ...config(endpoint), delivery: { pollMs: 20, timeoutMs: 5000 } }, database });
      instances.push(server);
      cleanups.push(async () => {
        await server.stop();
        removeDir(server.dir);
      });
    }
    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 100 }, (_, i) => ({ event: "delivered", id: `m-${batch}-${i}` }));
      const answer = await instances[batch % 3]!.post(SENDGRID, sendgridBatch(events), AUTH);
      expect(answer.status).toBe(200);
      // Read to the end: an answer left unread holds its connection busy until fetch's garbage
      // collection cancels it, and the instance's close waits for it up to the shutdown deadline.
      await answer.arrayBuffer();
    }
    await until(() => new Set(endpoint.delivered()).size === 1000, "1,000 events delivered", 60_000);
    expect(endpoint.received.length).toBe(1000);
    expect(endpoint.received.every((r) => r.verified && r.status === 200)).toBe(true);
    // The bound of the wait above and a margin: a loaded machine delivers slower, never twice.
  }, 90_000);
});
