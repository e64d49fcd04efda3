import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ENGINES, PG_SKIP_REASON } from "../databases.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, feedIds, TEST_CONFIG } from "../helpers.js";
import { startReceiverProcess, writeConfig } from "./processes.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`crash durability: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    it("every request that got a 2xx before kill -9 has its event after restart, none twice", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tidings-crash-"));
      dirs.push(dir);
      const config = writeConfig(dir, TEST_CONFIG);
      const database = await engine.fresh();
      const first = await startReceiverProcess(config, database);
      const acknowledged: string[] = [];
      let sent = 0;
      let stop = false;
      const worker = async (w: number) => {
        while (!stop) {
          const id = `crash-${w}-${sent++}`;
          try {
            const response = await fetch(`${first.url}${EVERLYTIC}`, {
              method: "POST",
              body: JSON.stringify(everlyticPayload(id)),
              headers: { "content-type": "application/json", authorization: EVERLYTIC_BASIC },
            });
            if (response.status === 200) acknowledged.push(id);
            await response.arrayBuffer();
          } catch {
            return; // the process is gone
          }
        }
      };
      const workers = Array.from({ length: 16 }, (_, w) => worker(w));
      // Killed once enough has been acknowledged (a busy machine takes longer), or after 10 s.
      const deadline = Date.now() + 10_000;
      while (acknowledged.length <= 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      await first.kill9();
      stop = true;
      await Promise.all(workers);
      expect(acknowledged.length).toBeGreaterThan(50);

      const second = await startReceiverProcess(config, database);
      try {
        const stored = await feedIds(second.url);
        const storedSet = new Set(stored);
        expect(stored.length).toBe(storedSet.size);
        const missing = acknowledged.filter((id) => !storedSet.has(id));
        expect(missing).toEqual([]);
      } finally {
        await second.stop();
      }
    }, 60_000);
  });
}
