import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, loadConfig, startServer, type RunningServer } from "@tidings/server";
import { everlyticTraffic, Random, send } from "@tidings/simulator";
import { startFakeEverlytic, type FakeEverlytic } from "../../everlytic/test/fake-everlytic.js";
import { everlytic } from "../src/commands/everlytic.js";
import { capture } from "./capture.js";

const API_KEY = "connect-test-api-key-000";
const ACCOUNT = ["--username", "acme", "--api-key", "everlytic-api-key"];

describe("tidings everlytic connect, end to end", () => {
  let dir: string;
  let configPath: string;
  let fake: FakeEverlytic;
  let receiver: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-connect-"));
    configPath = join(dir, "tidings.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        environments: [{ id: "prod", apiKeys: [API_KEY] }],
        integrations: [
          {
            environmentId: "prod",
            id: "everlytic",
            provider: "everlytic-legacy",
            credentials: [
              { username: "everlytic", password: "old-password" },
              { username: "everlytic", password: "new-password" },
            ],
          },
          { environmentId: "prod", id: "bare", provider: "everlytic-standard" },
          { environmentId: "prod", id: "sg", provider: "sendgrid" },
        ],
      }),
    );
    fake = await startFakeEverlytic();
    receiver = await startServer({ config: await loadConfig(configPath), database: join(dir, "db.sqlite"), port: 0, logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await receiver.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (...extra: string[]) =>
    capture(() =>
      everlytic(["connect", "--integration", "prod/everlytic", "--public-url", receiver.url, "--config", configPath, "--base-url", fake.url, ...ACCOUNT, ...extra]),
    );

  it("registers a webhook matching the integration, then Everlytic-style traffic with those credentials lands in the feed", async () => {
    const result = await connect("--content-type", "application/x-www-form-urlencoded");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^created Everlytic webhook /);
    const [webhook] = [...fake.webhooks.values()];
    const target = `${receiver.url}/v2/inbound-webhooks/delivery-providers/prod/everlytic`;
    expect(webhook).toMatchObject({
      url: target,
      verb: "post",
      auth_type: "basic",
      auth_details: { username: "everlytic", password: "new-password" },
      field_set: "legacy",
      content_type: "application/x-www-form-urlencoded",
    });
    expect(webhook!.event_types).toHaveLength(8);

    // Everlytic's side: it posts with what was registered.
    const registered = webhook as { auth_details: { username: string; password: string }; content_type: "application/x-www-form-urlencoded"; field_set: "legacy" };
    const summary = await send({
      target,
      count: 16,
      rate: 0,
      next: everlyticTraffic({ fieldSet: registered.field_set, contentType: registered.content_type, auth: registered.auth_details }, new Random(7)),
    });
    expect(summary.byStatus).toEqual({ 200: 16 });
    const feed = (await (await fetch(`${target}/events?limit=100`, { headers: { authorization: `ApiKey ${API_KEY}` } })).json()) as { data: { event: { status: string } }[] };
    // 16 calls cycle through the 8 types twice; resubscribe is ignored, so 14 results.
    expect(feed.data).toHaveLength(14);
    expect(new Set(feed.data.map((item: { event: { status: string } }) => item.event.status))).toEqual(
      new Set(["sent", "delivered", "failed", "opened", "clicked", "bounced", "unsubscribed"]),
    );
  });

  it("updates the existing webhook for the same URL instead of adding a second", async () => {
    const result = await connect("--event-types", "sent,bounce");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^updated Everlytic webhook /);
    expect(fake.webhooks.size).toBe(1);
    expect([...fake.webhooks.values()][0]).toMatchObject({ event_types: ["sent", "bounce"], content_type: "application/json" });
  });

  it("refuses integrations Everlytic cannot authenticate against, or that are not Everlytic's", async () => {
    const bare = await capture(() =>
      everlytic(["connect", "--integration", "prod/bare", "--public-url", receiver.url, "--config", configPath, "--base-url", fake.url, ...ACCOUNT]),
    ).catch((e: Error) => ({ code: -1, out: "", err: e.message }));
    expect(bare.err).toMatch(/no basic auth credentials/);
    const sg = await capture(() =>
      everlytic(["connect", "--integration", "prod/sg", "--public-url", receiver.url, "--config", configPath, "--base-url", fake.url, ...ACCOUNT]),
    ).catch((e: Error) => ({ code: -1, out: "", err: e.message }));
    expect(sg.err).toMatch(/uses sendgrid, not an Everlytic plugin/);
  });

  it("prints the request without sending it on --dry-run, secrets masked", async () => {
    const before = fake.requests.length;
    const result = await connect("--dry-run");
    expect(result.code).toBe(0);
    expect(fake.requests.length).toBe(before);
    const printed = JSON.parse(result.out);
    expect(printed.body).toMatchObject({ field_set: "legacy", auth_details: { username: "everlytic", password: "***" } });
    expect(result.out).not.toContain("new-password");
  });
});

describe("tidings everlytic webhooks", () => {
  let fake: FakeEverlytic;
  beforeAll(async () => {
    fake = await startFakeEverlytic();
  });
  afterAll(() => fake.close());
  const run = (...args: string[]) => capture(() => everlytic(["webhooks", ...args, "--base-url", fake.url, ...ACCOUNT]));

  it("creates, lists, gets, updates, deletes and reprocesses", async () => {
    const created = await run("create", "--url", "https://hooks.example.com/a", "--event-types", "sent,delivered", "--json");
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.out);
    expect((await run("list", "--all", "--json")).out).toContain(id);
    expect((await run("get", id)).out).toContain("https://hooks.example.com/a");
    expect((await run("update", id, "--url", "https://hooks.example.com/b", "--event-types", "open", "--json")).out).toContain('"open"');
    expect(await run("reprocess")).toMatchObject({ code: 0 });
    expect(await run("delete", id)).toMatchObject({ code: 0, out: `deleted ${id}\n` });
    expect(await run("delete", id)).toMatchObject({ code: 1 });
  });

  it("reports invalid requests in Everlytic's 412 shape without sending them", async () => {
    const before = fake.requests.length;
    const result = await run("create", "--url", "not-a-url", "--verb", "head", "--json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ code: 412, error: { errors: [{ reason: "invalidParameter", location: "webhookValidation" }, {}] } });
    expect(fake.requests.length).toBe(before);
  });

  it("reports Everlytic's own refusals", async () => {
    const result = await capture(() => everlytic(["webhooks", "list", "--base-url", fake.url, "--username", "acme", "--api-key", "wrong"]));
    expect(result).toMatchObject({ code: 1 });
    expect(result.err).toContain("Everlytic answered 401: Login Required (required)");
  });
});
