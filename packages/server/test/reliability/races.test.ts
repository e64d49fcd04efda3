import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ENGINES, freshPostgres, PG_SKIP_REASON, PG_URL } from "../databases.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, feedIds, INBOUND, removeDir, sendgridBatch, startTestServer, TEST_CONFIG } from "../helpers.js";
import { startReceiverProcess, writeConfig, type ReceiverProcess } from "./processes.js";

const AUTH = { "content-type": "application/json", authorization: EVERLYTIC_BASIC };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Answer {
  status: number;
  replay: boolean;
  body: string;
}

async function fire(urls: readonly string[], count: number, body: string, headers: Record<string, string>, path = EVERLYTIC): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(urls[i % urls.length]! + path, { method: "POST", body, headers });
      return { status: response.status, replay: response.headers.get("idempotency-replay") === "true", body: await response.text() };
    }),
  );
}

/** Exactly one request did the work; every other answer is a replay of its response or a 409. */
function expectOneWinner(answers: readonly Answer[]): void {
  const fresh = answers.filter((a) => a.status === 200 && !a.replay);
  expect(fresh).toHaveLength(1);
  for (const answer of answers) {
    if (answer.status === 200) expect(answer.body).toBe(fresh[0]!.body);
    else expect(answer.status).toBe(409);
  }
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`idempotency races: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    it("50 concurrent requests with one key and one body: one stored, the rest replays or 409", async () => {
      const server = await startTestServer({ database: await engine.fresh() });
      try {
        const body = JSON.stringify(everlyticPayload("race-1"));
        const answers = await fire([server.url], 50, body, { ...AUTH, "idempotency-key": "race-key" });
        expectOneWinner(answers);
        expect((await feedIds(server.url)).filter((id) => id === "race-1")).toHaveLength(1);
        const later = await fire([server.url], 1, body, { ...AUTH, "idempotency-key": "race-key" });
        expect(later[0]).toMatchObject({ status: 200, replay: true });
      } finally {
        await server.stop();
        removeDir(server.dir);
      }
    });
  });
}

describe.skipIf(PG_URL === undefined)(`several receiver processes on one PostgreSQL database${PG_URL === undefined ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  it("behave as one: re-deliveries stored once, one idempotency winner, one consistent feed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tidings-multi-"));
    dirs.push(dir);
    const config = writeConfig(dir, TEST_CONFIG);
    const database = await freshPostgres();
    const instances: ReceiverProcess[] = [];
    try {
      for (let i = 0; i < 3; i++) instances.push(await startReceiverProcess(config, database));
      const urls = instances.map((instance) => instance.url);

      const ids = Array.from({ length: 20 }, (_, i) => ({ event: "delivered", id: `multi-${i}` }));
      const batch = sendgridBatch(ids);
      const deliveries = await fire(urls, 15, batch, { "content-type": "application/json" }, `${INBOUND}/env-a/open-sendgrid`);
      expect(deliveries.every((a) => a.status === 200)).toBe(true);
      expect(new Set(deliveries.map((a) => a.body)).size).toBe(1);

      const answers = await fire(urls, 50, JSON.stringify(everlyticPayload("multi-idem")), { ...AUTH, "idempotency-key": "multi-key" });
      expectOneWinner(answers);

      const views = await Promise.all(urls.map((url) => feedIds(url, "open-sendgrid")));
      for (const view of views) expect(view).toEqual(ids.map((e) => e.id));
      expect((await feedIds(urls[0]!)).filter((id) => id === "multi-idem")).toHaveLength(1);
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
    }
  }, 60_000);
});
