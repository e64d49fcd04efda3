import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, loadConfig, startServer, DEMO_CONFIG_PATH, type RunningServer } from "@tidings/server";
import { simulate } from "../src/commands/simulate.js";
import { capture } from "./capture.js";

describe("tidings simulate", () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-sim-"));
    server = await startServer({ config: await loadConfig(DEMO_CONFIG_PATH), database: join(dir, "db.sqlite"), port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = (id: string) => `${server.url}/v2/inbound-webhooks/delivery-providers/demo/${id}`;

  it("sends Everlytic legacy form traffic with basic auth and summarizes the answers", async () => {
    const result = await capture(() =>
      simulate(["everlytic", "--target", url("everlytic-legacy"), "--field-set", "legacy", "--content-type", "form", "--auth", "everlytic:demo-webhook-password", "--count", "40", "--rate", "0", "--duplicates", "0.25", "--seed", "5", "--json"]),
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ sent: 40, events: 40, byStatus: { 200: 40 }, networkErrors: 0 });
    expect(summary.duplicates).toBeGreaterThan(0);
  });

  it("sends SendGrid batches and exits 1 when the receiver refuses them", async () => {
    const refused = await capture(() => simulate(["sendgrid", "--target", url("sendgrid"), "--count", "3", "--rate", "0", "--json"]));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).byStatus).toEqual({ 401: 3 });
    const accepted = await capture(() =>
      simulate(["sendgrid", "--target", url("sendgrid"), "--api-key", "tidings-demo-api-key-change-me", "--batch-size", "20", "--count", "5", "--rate", "0", "--duplicates", "0"]),
    );
    expect(accepted.code).toBe(0);
    expect(accepted.out).toMatch(/sent 5 requests \(0 re-deliveries, 100 events\)/);
    expect(accepted.out).toContain("200: 5");
  });

  it("refuses bad options with a usage error", async () => {
    await expect(simulate(["everlytic", "--target", url("everlytic"), "--field-set", "compact"])).rejects.toThrow(/--field-set/);
    await expect(simulate(["everlytic", "--target", url("everlytic"), "--duplicates", "2"])).rejects.toThrow(/--duplicates/);
    await expect(simulate(["mailchimp", "--target", url("everlytic")])).rejects.toThrow(/unknown provider/);
    // Names inherited by every object are not content types.
    for (const name of ["constructor", "toString", "__proto__"]) {
      await expect(simulate(["everlytic", "--target", url("everlytic"), "--content-type", name])).rejects.toThrow(/--content-type/);
    }
  });
});
