import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, loadConfig, resolveConfig, startServer, DEMO_CONFIG_PATH, type RunningServer } from "@tidings/server";
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

describe("tidings simulate twilio", () => {
  const AUTH_TOKEN = "4f1a2b3c4d5e6f708192a3b4c5d6e7f8";
  /** The callback URL Twilio is given: a proxy in front of the receiver, so not the URL the receiver listens on. */
  const CALLBACK_URL = "https://hooks.example.com/twilio?source=simulate";
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-sim-twilio-"));
    const config = await resolveConfig(
      {
        environments: [{ id: "demo", apiKeys: ["simulate-twilio-api-key-0123"] }],
        integrations: [{ environmentId: "demo", id: "twilio", provider: "twilio", credentials: { signingKey: AUTH_TOKEN, url: CALLBACK_URL } }],
      },
      "<simulate test>",
    );
    server = await startServer({ config, database: join(dir, "db.sqlite"), port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const target = () => `${server.url}/v2/inbound-webhooks/delivery-providers/demo/twilio`;

  it("sends signed status callbacks for the callback URL given, which the receiver verifies and stores", async () => {
    const result = await capture(() =>
      simulate(["twilio", "--target", target(), "--signing-key", AUTH_TOKEN, "--url", CALLBACK_URL, "--count", "60", "--rate", "0", "--duplicates", "0.2", "--seed", "7", "--json"]),
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ sent: 60, events: 60, byStatus: { 200: 60 }, networkErrors: 0, resultsReturned: 60 });
    expect(summary.duplicates).toBeGreaterThan(0);
    const feed = (await (await fetch(`${target()}/events?limit=1000`, { headers: { authorization: "ApiKey simulate-twilio-api-key-0123" } })).json()) as {
      data: { id: string; event: { status: string } }[];
    };
    expect(feed.data).toHaveLength(60 - summary.duplicates);
    for (const item of feed.data) expect(item.id).toMatch(/^SM[0-9a-f]{32}:(queued|sent|delivered|undelivered|failed)$/);
  });

  it("is refused when signed for the URL the receiver listens on instead (the default), or with another token", async () => {
    const listening = await capture(() => simulate(["twilio", "--target", target(), "--signing-key", AUTH_TOKEN, "--count", "3", "--rate", "0", "--json"]));
    expect(listening.code).toBe(1);
    expect(JSON.parse(listening.out).byStatus).toEqual({ 401: 3 });
    const wrong = await capture(() => simulate(["twilio", "--target", target(), "--signing-key", "0123456789abcdef0123456789abcdef", "--url", CALLBACK_URL, "--count", "3", "--rate", "0", "--json"]));
    expect(JSON.parse(wrong.out).byStatus).toEqual({ 401: 3 });
  });

  it("refuses a callback URL that is not http(s)", async () => {
    for (const url of ["hooks.example.com/twilio", "ftp://hooks.example.com/twilio"]) {
      await expect(simulate(["twilio", "--target", target(), "--signing-key", AUTH_TOKEN, "--url", url])).rejects.toThrow(/--url/);
    }
  });
});
