import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validatorFor } from "@tidings/core";
import {
  API_KEY,
  basic,
  EVERLYTIC,
  EVERLYTIC_AUTH,
  EVERLYTIC_BASIC,
  everlyticPayload,
  type FeedBody,
  INBOUND,
  OTHER_API_KEY,
  sendgridBatch,
  TEST_CONFIG,
  useTestServer,
} from "./helpers.js";

const GOOD_BASIC = { authorization: EVERLYTIC_BASIC };
const APIKEY = { authorization: `ApiKey ${API_KEY}` };

async function expectError(response: Response, statusCode: number, code: string): Promise<void> {
  expect(response.status).toBe(statusCode);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ statusCode, code });
  expect(typeof body.error).toBe("string");
  expect(typeof body.message).toBe("string");
}

describe("receiver", () => {
  const server = useTestServer();

  it("answers WebhookResultDto[] for an Everlytic standard event", async () => {
    const response = await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("p-1", "bounce")), GOOD_BASIC);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(validatorFor("webhook-result-list")(body)).toBe(true);
    expect(body).toEqual([
      {
        id: "p-1",
        event: { status: "bounced", date: "2025-01-15T08:32:11.000Z", externalId: "t-p-1", row: JSON.stringify(everlyticPayload("p-1", "bounce")) },
      },
    ]);
  });

  it("reads form-encoded legacy events", async () => {
    const event = { event_id: "ev-1", event_date: "2025-01-15 10:32:11", event_type: "Opened", trans_id: "tr-1" };
    const response = await server().post(`${INBOUND}/env-a/legacy`, `event=${encodeURIComponent(JSON.stringify(event))}`, {
      ...GOOD_BASIC,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject([{ id: "ev-1", event: { status: "opened", externalId: "tr-1", date: "2025-01-15T08:32:11.000Z" } }]);
  });

  it("refuses a content type the integration's plugin does not read, even one the endpoint accepts", async () => {
    await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("p-text")), { ...APIKEY, "content-type": "text/plain" }), 415, "unsupported_content_type");
  });

  describe("authentication", () => {
    it("accepts the environment's API key, as ApiKey or Bearer", async () => {
      expect((await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("k-1")), APIKEY)).status).toBe(200);
      expect((await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("k-2")), { authorization: `Bearer ${API_KEY}` })).status).toBe(200);
    });

    it("refuses another environment's API key", async () => {
      await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("k-3")), { authorization: `ApiKey ${OTHER_API_KEY}` }), 401, "unauthorized");
    });

    it("accepts the provider's basic auth and refuses a wrong one or none", async () => {
      expect((await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("b-1")), GOOD_BASIC)).status).toBe(200);
      await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("b-2")), { authorization: basic("everlytic", "nope") }), 401, "unauthorized");
      await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("b-3"))), 401, "unauthorized");
    });

    it("fails closed for an integration without credentials unless allowUnverified", async () => {
      const batch = sendgridBatch([{ event: "delivered", id: "u-1" }]);
      await expectError(await server().post(`${INBOUND}/env-a/sendgrid`, batch), 401, "unauthorized");
      expect((await server().post(`${INBOUND}/env-a/sendgrid`, batch, APIKEY)).status).toBe(200);
      expect((await server().post(`${INBOUND}/env-a/open-sendgrid`, batch)).status).toBe(200);
    });
  });

  describe("errors have one shape and a stable code", () => {
    it("404 for an unknown environment or integration", async () => {
      await expectError(await server().post(`${INBOUND}/nope/everlytic`, "{}", APIKEY), 404, "environment_not_found");
      await expectError(await server().post(`${INBOUND}/env-a/nope`, "{}", APIKEY), 404, "integration_not_found");
      await expectError(await server().get("/no/such/route"), 404, "not_found");
    });

    it("405 with an Allow header for a known path and another method", async () => {
      const put = await fetch(`${server().url}${EVERLYTIC}`, { method: "PUT", body: "{}", headers: { "content-type": "application/json" } });
      expect(put.headers.get("allow")).toBe("POST, HEAD");
      await expectError(put, 405, "method_not_allowed");
      const deleteFeed = await fetch(`${server().url}${EVERLYTIC}/events`, { method: "DELETE" });
      expect(deleteFeed.headers.get("allow")).toBe("GET, HEAD");
      await expectError(deleteFeed, 405, "method_not_allowed");
      await expectError(await server().get(EVERLYTIC), 405, "method_not_allowed");
    });

    it("answers a provider's HEAD check of the webhook URL, and names the POST setting on a GET", async () => {
      const head = await fetch(`${server().url}${EVERLYTIC}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      const get = await server().get(EVERLYTIC);
      expect(get.headers.get("allow")).toBe("POST, HEAD");
      await expectError(get, 405, "method_not_allowed");
    });

    it("400 for a malformed body, 415 for an unsupported content type", async () => {
      await expectError(await server().post(EVERLYTIC, '{"id":', GOOD_BASIC), 400, "malformed_body");
      await expectError(await server().post(EVERLYTIC, "<x/>", { ...GOOD_BASIC, "content-type": "application/xml" }), 415, "unsupported_content_type");
      await expectError(await server().post(`${INBOUND}/env-a/sendgrid`, "[]", { ...APIKEY, "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_content_type");
    });

    it("413 for a body over the limit", async () => {
      const big = JSON.stringify({ ...everlyticPayload("big"), padding: "x".repeat(6 * 1024 * 1024) });
      await expectError(await server().post(EVERLYTIC, big, GOOD_BASIC), 413, "body_too_large");
    });
  });

  describe("idempotency-key", () => {
    it("replays the stored response for the same key and the same body, key order aside", async () => {
      const key = { ...GOOD_BASIC, "idempotency-key": "idem-1" };
      const first = await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("i-1")), key);
      expect(first.status).toBe(200);
      const { id, type, timestamp, data } = everlyticPayload("i-1");
      const again = await server().post(EVERLYTIC, JSON.stringify({ data, timestamp, type, id }), key);
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotency-replay")).toBe("true");
      expect(await again.text()).toBe(await first.text());
    });

    it("answers 422 for the same key with another body", async () => {
      const key = { ...GOOD_BASIC, "idempotency-key": "idem-2" };
      expect((await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("i-2")), key)).status).toBe(200);
      await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("i-3")), key), 422, "idempotency_key_reused");
    });

    it("answers 400 for an oversized key", async () => {
      await expectError(await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("i-4")), { ...GOOD_BASIC, "idempotency-key": "k".repeat(256) }), 400, "invalid_request");
    });
  });

  describe("re-deliveries and the feed", () => {
    const FEED = `${INBOUND}/env-a/open-sendgrid/events`;

    it("stores a re-delivered event once and answers it the same way", async () => {
      const batch = sendgridBatch([{ event: "delivered", id: "dup-1" }]);
      const a = await server().post(`${INBOUND}/env-a/open-sendgrid`, batch);
      const b = await server().post(`${INBOUND}/env-a/open-sendgrid`, batch);
      expect(await a.text()).toBe(await b.text());
      const feed = (await (await server().get(`${FEED}?limit=1000`, APIKEY)).json()) as FeedBody;
      expect(feed.data.filter((item: { id: string }) => item.id === "dup-1")).toHaveLength(1);
    });

    it("pages in storage order without missing or repeating events", async () => {
      const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
      const response = await server().post(`${INBOUND}/env-a/open-sendgrid`, sendgridBatch(ids.map((id) => ({ event: "open", id }))));
      expect(response.status).toBe(200);
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 50; guard++) {
        const query: string = after === null ? "?limit=3" : `?limit=3&after=${after}`;
        const page = (await (await server().get(FEED + query, APIKEY)).json()) as FeedBody;
        expect(page.data.length).toBeLessThanOrEqual(3);
        for (const item of page.data) {
          expect(validatorFor("event-body")(item.event)).toBe(true);
          expect(item.receivedAt).toMatch(/Z$/);
          seen.push(item.id);
        }
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen.filter((id) => id.startsWith("page-"))).toEqual(ids);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it("needs the environment's API key and valid paging parameters", async () => {
      await expectError(await server().get(FEED), 401, "unauthorized");
      await expectError(await server().get(FEED, GOOD_BASIC), 401, "unauthorized");
      await expectError(await server().get(FEED, { authorization: `ApiKey ${OTHER_API_KEY}` }), 401, "unauthorized");
      await expectError(await server().get(`${FEED}?after=abc`, APIKEY), 400, "invalid_request");
      await expectError(await server().get(`${FEED}?limit=0`, APIKEY), 400, "invalid_request");
      await expectError(await server().get(`${FEED}?limit=5000`, APIKEY), 400, "invalid_request");
    });
  });

  it("serves /health", async () => {
    const response = await server().get("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("never writes credentials or API keys to its logs", async () => {
    await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("log-1")), GOOD_BASIC);
    await server().post(EVERLYTIC, JSON.stringify(everlyticPayload("log-2")), { authorization: basic("everlytic", "wrong-password-zz") });
    await server().post(EVERLYTIC, "{}", { authorization: `ApiKey ${OTHER_API_KEY}` });
    const logs = server().logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [API_KEY, OTHER_API_KEY, EVERLYTIC_AUTH.password, "wrong-password-zz", Buffer.from("everlytic:webhook-password-1").toString("base64")]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe("receiver with a signing key", () => {
  const keys = new URL("../../../fixtures/sendgrid/keys/", import.meta.url);
  const publicKey = readFileSync(new URL("test-public.txt", keys), "utf8").trim();
  const privateKey = createPrivateKey(readFileSync(new URL("test-private.pem", keys), "utf8"));
  const server = useTestServer({
    config: { ...TEST_CONFIG, integrations: [{ environmentId: "env-a", id: "signed", provider: "sendgrid", credentials: { publicKey } }] },
  });

  it("accepts a valid signature and refuses the same signature over another body", async () => {
    const body = sendgridBatch([{ event: "delivered", id: "s-1" }]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), { key: privateKey, dsaEncoding: "der" }).toString("base64");
    const headers = { "x-twilio-email-event-webhook-signature": signature, "x-twilio-email-event-webhook-timestamp": timestamp };
    expect((await server().post(`${INBOUND}/env-a/signed`, body, headers)).status).toBe(200);
    await expectError(await server().post(`${INBOUND}/env-a/signed`, body.replace("s-1", "s-2"), headers), 401, "unauthorized");
    await expectError(await server().post(`${INBOUND}/env-a/signed`, body), 401, "unauthorized");
  });
});
