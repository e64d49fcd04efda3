import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_PARAMETERS } from "../src/openapi.js";
import { FeedQuerySchema } from "../src/receiver/feed-schemas.js";
import { buildOpenApi } from "../src/index.js";
import { ENGINES, PG_SKIP_REASON } from "./databases.js";
import { API_KEY, INBOUND, removeDir, startTestServer, type TestServer } from "./helpers.js";

const APIKEY = { authorization: `ApiKey ${API_KEY}` };
const SENDGRID = `${INBOUND}/env-a/sendgrid`;
const CONFIG = {
  environments: [{ id: "env-a", apiKeys: [API_KEY] }],
  integrations: [{ environmentId: "env-a", id: "sendgrid", provider: "sendgrid", correlation: { metadataKey: "order_id" } }],
};

/** SendGrid events (its documented field names), the sender's order_id as a custom arg. */
function sg(id: string, event: string, at: number, message: string, email: string, orderId?: string) {
  return { event, email, timestamp: at, sg_event_id: id, sg_message_id: `${message}.filter0001`, ...(orderId === undefined ? {} : { order_id: orderId }) };
}

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const BATCHES = [
  // Stored first, though the provider's times are later than the second batch's.
  [sg("e1", "delivered", T0 + 60, "m-1", "a@example.com", "o-7"), sg("e2", "open", T0 + 120, "m-1", "a@example.com", "o-7")],
  [sg("e3", "processed", T0 + 10, "m-1", "a@example.com", "o-7"), sg("e4", "bounce", T0 + 30, "m-2", "b@example.com")],
  [sg("e5", "delivered", T0 + 3600, "m-3", "c@example.com", "o-8"), sg("e6", "dropped", T0 + 7200, "m-4", "b@example.com", "o-7")],
];

interface Item {
  id: string;
  event: { status: string; date: string; externalId?: string; row?: string };
  details?: { recipient?: string; metadata?: Record<string, string> };
  integrationId: string;
  provider: string;
  correlationId?: string;
  receivedAt: string;
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`the feed's filters and the timeline: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ config: CONFIG, database: await engine.fresh() });
      for (const batch of BATCHES) expect((await server.post(SENDGRID, JSON.stringify(batch), APIKEY)).status).toBe(200);
    });
    afterAll(async () => {
      await server.stop();
      removeDir(server.dir);
    });

    const read = async (path: string) => {
      const response = await server.get(path, APIKEY);
      return { status: response.status, body: (await response.json()) as { data: Item[]; next?: string | null; code?: string } };
    };
    const ids = async (query: string) => {
      const { status, body } = await read(`${SENDGRID}/events?${query}`);
      expect(status).toBe(200);
      return body.data.map((item) => item.id);
    };

    it("gives back each event's details, integration, provider and correlation id", async () => {
      const { body } = await read(`${SENDGRID}/events`);
      expect(body.data.map((item) => item.id)).toEqual(["e1", "e2", "e3", "e4", "e5", "e6"]);
      const [first] = body.data;
      expect(Object.keys(first!)).toEqual(["id", "event", "details", "integrationId", "provider", "correlationId", "receivedAt"]);
      expect(first).toMatchObject({
        id: "e1",
        event: { status: "delivered", date: "2026-01-01T00:01:00.000Z", externalId: "m-1", row: JSON.stringify(BATCHES[0]![0]) },
        details: { recipient: "a@example.com", metadata: { order_id: "o-7" } },
        integrationId: "sendgrid",
        provider: "sendgrid",
        correlationId: "o-7",
      });
      // No correlation id where the sender set none.
      expect(body.data[3]).not.toHaveProperty("correlationId");
    });

    it("filters by one status or several", async () => {
      expect(await ids("status=delivered")).toEqual(["e1", "e5"]);
      expect(await ids("status=bounced,delivered")).toEqual(["e1", "e4", "e5"]);
    });

    it("filters by external id, correlation id and recipient", async () => {
      expect(await ids("externalId=m-1")).toEqual(["e1", "e2", "e3"]);
      expect(await ids("correlationId=o-7")).toEqual(["e1", "e2", "e3", "e6"]);
      expect(await ids(`recipient=${encodeURIComponent("b@example.com")}`)).toEqual(["e4", "e6"]);
    });

    it("filters by provider time: since inclusive, until exclusive, any offset", async () => {
      expect(await ids("since=2026-01-01T00:01:00Z")).toEqual(["e1", "e2", "e5", "e6"]);
      expect(await ids("until=2026-01-01T00:01:00.000Z")).toEqual(["e3", "e4"]);
      expect(await ids(`since=${encodeURIComponent("2026-01-01T02:01:30+02:00")}&until=2026-01-01T01:00:01Z`)).toEqual(["e2", "e5"]);
    });

    it("combines filters and pages through a filtered feed", async () => {
      expect(await ids("correlationId=o-7&status=delivered,dropped")).toEqual(["e1", "e6"]);
      const first = await read(`${SENDGRID}/events?correlationId=o-7&limit=3`);
      expect(first.body.data.map((item) => item.id)).toEqual(["e1", "e2", "e3"]);
      expect(await ids(`correlationId=o-7&limit=3&after=${first.body.next}`)).toEqual(["e6"]);
    });

    it("answers a message's timeline by external id and by correlation id, in provider-time order", async () => {
      const byMessage = await read(`${SENDGRID}/messages/m-1/events`);
      expect(byMessage.status).toBe(200);
      expect(byMessage.body.data.map((item) => [item.id, item.event.date])).toEqual([
        ["e3", "2026-01-01T00:00:10.000Z"],
        ["e1", "2026-01-01T00:01:00.000Z"],
        ["e2", "2026-01-01T00:02:00.000Z"],
      ]);
      expect(byMessage.body.data[0]).toMatchObject({ integrationId: "sendgrid", provider: "sendgrid", correlationId: "o-7", details: { recipient: "a@example.com" } });
      expect((await read(`${SENDGRID}/messages/o-7/events`)).body.data.map((item) => item.id)).toEqual(["e3", "e1", "e2", "e6"]);
      expect((await read(`${SENDGRID}/messages/nothing-here/events`)).body).toEqual({ data: [] });
    });

    it("refuses unknown parameters, bad statuses, bad dates and over-long values with invalid_request", async () => {
      for (const query of ["statuses=delivered", "status=delivered,nope", "status=", "since=yesterday", "until=2026-01-01", "since=2026-13-01T00:00:00Z", `recipient=${"x".repeat(1025)}`, "limit=0", "limit=1001"]) {
        const { status, body } = await read(`${SENDGRID}/events?${query}`);
        expect([query, status, body.code]).toEqual([query, 400, "invalid_request"]);
      }
      expect(await ids(`recipient=${"x".repeat(1024)}`)).toEqual([]);
    });

    it("refuses a 10 KB message id with invalid_request, and reads need the API key", async () => {
      const { status, body } = await read(`${SENDGRID}/messages/${"m".repeat(10_240)}/events`);
      expect([status, body.code]).toEqual([400, "invalid_request"]);
      expect((await read(`${SENDGRID}/messages/${"m".repeat(1024)}/events`)).status).toBe(200);
      expect((await server.get(`${SENDGRID}/messages/m-1/events`)).status).toBe(401);
      expect((await server.get(`${SENDGRID}/events?status=delivered`)).status).toBe(401);
      expect((await read(`${INBOUND}/env-a/nope/messages/m-1/events`)).status).toBe(404);
    });
  });
}

describe("the feed in OpenAPI", () => {
  const paths = (buildOpenApi() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: object } }>> }).paths;
  const feed = paths["/v2/inbound-webhooks/delivery-providers/{environmentId}/{integrationId}/events"]!["get"]!;

  it("documents exactly the query parameters the feed reads", () => {
    expect(Object.keys(FEED_PARAMETERS).sort()).toEqual(Object.keys(FeedQuerySchema.shape).sort());
    expect(feed.parameters!.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(Object.keys(FeedQuerySchema.shape).sort());
  });

  it("documents the timeline and multipart bodies", () => {
    expect(paths["/v2/inbound-webhooks/delivery-providers/{environmentId}/{integrationId}/messages/{messageId}/events"]).toHaveProperty("get");
    expect(paths["/v2/inbound-webhooks/delivery-providers/{environmentId}/{integrationId}"]!["post"]!.requestBody!.content).toHaveProperty(["multipart/form-data"]);
  });
});
