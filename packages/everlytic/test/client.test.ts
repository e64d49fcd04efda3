import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  EverlyticApiError,
  EverlyticClient,
  EverlyticNetworkError,
  EverlyticValidationError,
  requestWarnings,
  validateWebhookRequest,
  type WebhookRequest,
} from "../src/index.js";
import { startFakeEverlytic, type FakeEverlytic } from "./fake-everlytic.js";

const VALID: WebhookRequest = {
  event_types: ["sent", "delivered", "bounce"],
  url: "https://hooks.example.com/v2/inbound-webhooks/delivery-providers/prod/everlytic",
  verb: "post",
  auth_details: { username: "admin", password: "password123" },
  auth_type: "basic",
  content_type: "application/json",
  field_set: "standard",
  settings: { include_html: false },
};

function validationOf(input: unknown): EverlyticValidationError {
  try {
    validateWebhookRequest(input);
  } catch (thrown) {
    if (thrown instanceof EverlyticValidationError) return thrown;
    throw thrown;
  }
  throw new Error("expected a validation error");
}

describe("request validation (the Create Webhook document's rules)", () => {
  it("accepts the document's example request", () => {
    expect(
      validateWebhookRequest({
        event_types: ["sent"],
        url: "https://your.webhook.url",
        verb: "post",
        auth_details: { username: "admin", password: "password123" },
        auth_type: "basic",
        content_type: "application/x-www-form-urlencoded",
        field_set: "standard",
        settings: { include_html: true },
      }),
    ).toMatchObject({ event_types: ["sent"] });
    expect(validateWebhookRequest({ event_types: ["open"], url: "http://localhost:8787/x", verb: "get" })).toBeTruthy();
  });

  it.each([
    ["no event types", { ...VALID, event_types: [] }, "event_types"],
    ["an unknown event type", { ...VALID, event_types: ["sent", "spam"] }, "event_types"],
    ["a repeated event type", { ...VALID, event_types: ["sent", "sent"] }, "event_types"],
    ["a missing url", { ...VALID, url: undefined }, "url"],
    ["an invalid url", { ...VALID, url: "not a url" }, "url"],
    ["an unknown verb", { ...VALID, verb: "head" }, "verb"],
    ["an upper-case verb", { ...VALID, verb: "POST" }, "verb"],
    ["auth details without a password", { ...VALID, auth_details: { username: "admin" } }, "auth_details"],
    ["auth details with an empty username", { ...VALID, auth_details: { username: "", password: "x" } }, "auth_details"],
    ["auth details without auth_type", { ...VALID, auth_type: undefined }, "auth_type"],
    ["an auth_type other than basic", { ...VALID, auth_type: "bearer" }, "auth_type"],
    ["an unknown content type", { ...VALID, content_type: "text/xml" }, "content_type"],
    ["an unknown field set", { ...VALID, field_set: "compact" }, "field_set"],
    ["include_html that is not a boolean", { ...VALID, settings: { include_html: "yes" } }, "settings"],
    ["an unknown field", { ...VALID, secret: 1 }, ""],
  ])("refuses %s, in Everlytic's 412 shape", (_, input, field) => {
    const error = validationOf(input);
    expect(error.response.code).toBe(412);
    expect(error.response.message).toBe(error.response.error!.errors[0]!.message);
    for (const detail of error.response.error!.errors) {
      expect(detail).toMatchObject({ domain: "global", locationType: "body", location: "webhookValidation" });
      expect(["required", "invalidParameter"]).toContain(detail.reason);
    }
    if (field !== "") expect(error.message.toLowerCase()).toContain(field.split("_")[0]);
  });

  it("says `required` for a missing required field", () => {
    expect(validationOf({ ...VALID, verb: undefined }).response.error!.errors[0]).toMatchObject({ reason: "required", message: "The verb field is required." });
  });

  it("warns that HTML goes only with sent events of the legacy field set", () => {
    expect(requestWarnings({ ...VALID, settings: { include_html: true } })).toEqual([
      'include_html has no effect: HTML is only sent in the "legacy" field set',
    ]);
    expect(requestWarnings({ ...VALID, event_types: ["open"], field_set: "legacy", settings: { include_html: true } })).toEqual([
      'include_html has no effect: HTML is only sent with "sent" events',
    ]);
    expect(requestWarnings({ ...VALID, field_set: "legacy", settings: { include_html: true } })).toEqual([]);
  });
});

describe("EverlyticClient against a local Everlytic", () => {
  let fake: FakeEverlytic;
  let client: EverlyticClient;
  beforeAll(async () => {
    fake = await startFakeEverlytic();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.webhooks.clear();
    fake.requests.length = 0;
    client = new EverlyticClient({ username: "acme", apiKey: "everlytic-api-key", baseUrl: fake.url, backoffMs: 1 });
  });

  it("creates a webhook and parses settings answered as JSON text and auth_details as null", async () => {
    const webhook = await client.create(VALID);
    expect(webhook).toMatchObject({ url: VALID.url, verb: "post", status: "enabled", auth_details: null, settings: { include_html: false }, field_set: "standard" });
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/transactional/email/v1/webhooks", body: VALID });
  });

  it("gets, updates (full replace), lists every page, deletes and reprocesses", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.create({ ...VALID, url: `https://hooks.example.com/${i}` })).id);
    expect((await client.get(ids[0]!)).url).toBe("https://hooks.example.com/0");
    const updated = await client.update(ids[0]!, { ...VALID, url: "https://hooks.example.com/new", event_types: ["open"] });
    expect(updated).toMatchObject({ id: ids[0], url: "https://hooks.example.com/new", event_types: ["open"] });
    const firstPage = await client.list();
    expect(firstPage.meta).toMatchObject({ total: 5, per_page: 2, last_page: 3 });
    expect((await client.listAll()).map((w) => w.id)).toEqual(ids);
    expect(await client.delete(ids[1]!)).toBe(true);
    expect(await client.delete(ids[1]!)).toBe(false);
    expect(await client.reprocessFailed()).toBe(true);
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/transactional/email/v1/webhooks/failed/reprocess" });
  });

  it("sends nothing for an invalid request", async () => {
    await expect(client.create({ ...VALID, verb: "head" })).rejects.toBeInstanceOf(EverlyticValidationError);
    await expect(client.update("x", { ...VALID, event_types: [] })).rejects.toBeInstanceOf(EverlyticValidationError);
    expect(fake.requests).toHaveLength(0);
  });

  it("turns 401 into a typed error with Everlytic's reasons", async () => {
    const stranger = new EverlyticClient({ username: "acme", apiKey: "wrong", baseUrl: fake.url });
    const error = await stranger.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EverlyticApiError);
    expect(error).toMatchObject({ status: 401, message: "Login Required", reasons: ["required"] });
    expect((error as EverlyticApiError).errors[0]).toMatchObject({ location: "authorization", locationType: "request" });
  });

  it("turns 412 into a typed error", async () => {
    const error = await client.get("no-such-id").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 412, message: "The selected id is invalid.", reasons: ["invalidParameter"] });
  });

  it("retries safe requests after network failures and 503s, with backoff", async () => {
    const { id } = await client.create(VALID);
    fake.dropNext(2);
    expect((await client.get(id)).id).toBe(id);
    fake.failNext(1, 503);
    expect((await client.list()).data).toHaveLength(1);
    fake.dropNext(3);
    await expect(client.get(id)).rejects.toBeInstanceOf(EverlyticNetworkError);
  });

  it("never retries a create, which may have happened", async () => {
    fake.dropNext(1);
    await expect(client.create(VALID)).rejects.toBeInstanceOf(EverlyticNetworkError);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("times out a request that gets no answer", async () => {
    const silent = new EverlyticClient({
      username: "acme",
      apiKey: "k",
      baseUrl: fake.url,
      timeoutMs: 50,
      attempts: 2,
      backoffMs: 1,
      fetch: (_url, init) => new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))),
    });
    await expect(silent.list()).rejects.toThrow(/after 2 attempt\(s\): timed out/);
  });

  it("prepares the exact request for a dry run", () => {
    const prepared = client.prepareCreate(VALID);
    expect(prepared).toMatchObject({ method: "POST", url: `${fake.url}/transactional/email/v1/webhooks`, body: VALID });
    expect(prepared.headers.authorization).toBe(`Basic ${Buffer.from("acme:everlytic-api-key").toString("base64")}`);
  });
});
