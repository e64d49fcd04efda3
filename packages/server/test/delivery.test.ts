import { afterEach, describe, expect, it } from "vitest";
import { DeliveriesQuerySchema } from "../src/outbound/schemas.js";
import { DELIVERY_PARAMETERS } from "../src/openapi.js";
import { buildOpenApi } from "../src/index.js";
import { ENGINES } from "./databases.js";
import { SECRET, startEndpoint, until, type Endpoint } from "./endpoint.js";
import { API_KEY, INBOUND, removeDir, sendgridBatch, startTestServer, TEST_CONFIG, type TestServer } from "./helpers.js";

const SENDGRID = `${INBOUND}/env-a/sendgrid`;
const AUTH = { authorization: `ApiKey ${API_KEY}` };
const OPS = "/v2/environments/env-a/subscriptions/app";

function configFor(endpoint: Endpoint, subscription: Record<string, unknown> = {}) {
  return {
    ...TEST_CONFIG,
    subscriptions: [{ id: "app", environmentId: "env-a", url: endpoint.url, secret: SECRET, allowPrivateNetwork: true, retrySchedule: [0, 0, 0], ...subscription }],
    delivery: { pollMs: 20, timeoutMs: 2000, outboxAlarm: 2 },
  };
}

interface DeliveryDto {
  id: string;
  messageId: string;
  eventId: string;
  state: string;
  attempts: { statusCode: number | null; response: string | null; latencyMs: number }[];
}

let servers: TestServer[] = [];
let endpoints: Endpoint[] = [];
afterEach(async () => {
  // Endpoints first: a server's stop waits for its attempts in flight, which a hanging endpoint holds.
  for (const endpoint of endpoints) await endpoint.close();
  for (const server of servers) {
    await server.stop();
    removeDir(server.dir);
  }
  servers = [];
  endpoints = [];
});

async function setUp(engine: (typeof ENGINES)[number], answer: Parameters<typeof startEndpoint>[0], subscription: Record<string, unknown> = {}) {
  const endpoint = await startEndpoint(answer);
  endpoints.push(endpoint);
  const server = await startTestServer({ config: configFor(endpoint, subscription), database: await engine.fresh() });
  servers.push(server);
  return { endpoint, server };
}

async function deliveries(server: TestServer, query = ""): Promise<DeliveryDto[]> {
  const response = await server.get(`${OPS}/deliveries${query}`, AUTH);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: DeliveryDto[] }).data;
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`delivery on ${engine.name}`, () => {
    it("delivers each event once, signed as standardwebhooks verifies, through two failures", async () => {
      const { endpoint, server } = await setUp(engine, (_id, attempt) => (attempt <= 2 ? 503 : 200));
      const events = ["d-1", "d-2", "d-3"].map((id) => ({ event: "delivered", id }));
      expect((await server.post(SENDGRID, sendgridBatch(events), AUTH)).status).toBe(200);
      // A re-delivery of the same events is stored once, so it is delivered once.
      expect((await server.post(SENDGRID, sendgridBatch(events), AUTH)).status).toBe(200);
      await until(() => endpoint.delivered().length === 3, "three deliveries");

      expect(endpoint.received.every((r) => r.verified)).toBe(true);
      const delivered = endpoint.received.filter((r) => r.status === 200);
      expect(new Set(delivered.map((r) => r.id)).size).toBe(3);
      const bodies = delivered.map((r) => JSON.parse(r.body));
      expect(bodies.map((b) => b.data.id).sort()).toEqual(["d-1", "d-2", "d-3"]);
      for (const body of bodies) {
        expect(body).toMatchObject({ type: "message.delivered", data: { environmentId: "env-a", integrationId: "sendgrid", provider: "sendgrid", event: { status: "delivered" } } });
        expect(Date.parse(body.timestamp)).toBe(1_700_000_000_000);
      }
      // Every attempt of one event carried the same webhook-id: three per id.
      const perId = new Map<string, number>();
      for (const r of endpoint.received) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
      expect([...perId.values()]).toEqual([3, 3, 3]);

      await until(async () => (await deliveries(server)).every((d) => d.state === "delivered"), "recorded as delivered");
      const listed = await deliveries(server);
      expect(listed.map((d) => d.messageId).sort()).toEqual([...perId.keys()].sort());
      for (const d of listed) {
        expect(d.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200]);
        expect(d.attempts[2]!.response).toBe("answer 200 to attempt 3");
      }
    });

    it("disables the subscription on 410, keeps the dead job, and delivers it once retried", async () => {
      let gone = true;
      const { endpoint, server } = await setUp(engine, () => (gone ? 410 : 200));
      expect((await server.post(SENDGRID, sendgridBatch([{ event: "bounce", id: "g-1" }]), AUTH)).status).toBe(200);
      await until(async () => (await deliveries(server))[0]?.state === "dead", "the job dead");
      expect((await deliveries(server, "?state=dead")).map((d) => d.eventId)).toEqual(["g-1"]);
      await until(async () => {
        const health = (await (await server.get("/health")).json()) as { details?: { outbox: { disabled: string[] } } };
        return health.details?.outbox.disabled.includes("app") === true;
      }, "/health naming the disabled subscription");
      // Disabled: a new event waits in the outbox instead of being sent.
      expect((await server.post(SENDGRID, sendgridBatch([{ event: "bounce", id: "g-2" }]), AUTH)).status).toBe(200);
      const [waiting] = await deliveries(server, "?state=pending");
      expect(waiting?.eventId).toBe("g-2");
      expect(endpoint.received.map((r) => r.status)).toEqual([410]);

      gone = false;
      const dead = (await deliveries(server, "?state=dead"))[0]!;
      expect((await server.post(`${OPS}/deliveries/${dead.id}/retry`, "", AUTH)).status).toBe(200);
      expect((await server.post(`${OPS}/deliveries/${dead.id}/retry`, "", AUTH)).status).toBe(404);
      await until(() => endpoint.delivered().length === 2, "both delivered after the retry");
      expect(endpoint.received.map((r) => JSON.parse(r.body).data.id)).toEqual(["g-1", "g-1", "g-2"].slice(0, endpoint.received.length).length === 3 ? expect.arrayContaining(["g-1", "g-2"]) : []);
    });

    it("marks a job dead once its schedule is spent, and replays events under new webhook-ids", async () => {
      let failing = true;
      const { endpoint, server } = await setUp(engine, () => (failing ? 500 : 200), { retrySchedule: [0] });
      expect((await server.post(SENDGRID, sendgridBatch([{ event: "delivered", id: "r-1" }]), AUTH)).status).toBe(200);
      await until(async () => (await deliveries(server))[0]?.state === "dead", "dead after two attempts");
      expect((await deliveries(server))[0]!.attempts.map((a) => a.statusCode)).toEqual([500, 500]);

      failing = false;
      const replay = await server.post(`${OPS}/replay`, JSON.stringify({ since: "2000-01-01T00:00:00Z" }), AUTH);
      expect(await replay.json()).toEqual({ queued: 1, complete: true });
      await until(() => endpoint.delivered().length === 1, "the replay delivered");
      const ids = new Set(endpoint.received.map((r) => r.id));
      expect(ids.size).toBe(2);
      expect((await server.post(`${OPS}/replay`, JSON.stringify({ since: "2100-01-01T00:00:00Z" }), AUTH)).status).toBe(200);
      expect((await server.post(`${OPS}/replay`, "{}", AUTH)).status).toBe(400);
      expect((await server.post(`${OPS}/replay`, "{}", {})).status).toBe(401);
    });

    it("raises the outbox alarm in /health and the logs while more deliveries wait than its size", async () => {
      const { server } = await setUp(engine, () => 500, { retrySchedule: [3600] });
      const health = async () => ((await (await server.get("/health")).json()) as { details?: { outbox: { pending: number; alarm: boolean; threshold: number } } }).details?.outbox;
      await until(async () => (await health()) !== undefined, "the outbox measured");
      expect(await health()).toMatchObject({ pending: 0, alarm: false });
      const events = ["a-1", "a-2", "a-3"].map((id) => ({ event: "bounce", id }));
      expect((await server.post(SENDGRID, sendgridBatch(events), AUTH)).status).toBe(200);
      await until(async () => (await health())?.alarm === true, "the alarm raised");
      expect(await health()).toMatchObject({ pending: 3, threshold: 2 });
      expect(server.logs()).toContain("the delivery outbox is over its alarm size");
    });

    it("keeps delivering to one subscription while another's endpoint holds every slot it has", async () => {
      const stuck = await startEndpoint(() => "hang");
      endpoints.push(stuck);
      const healthy = await startEndpoint(() => 200);
      endpoints.push(healthy);
      const config = configFor(healthy);
      const server = await startTestServer({
        config: {
          ...config,
          subscriptions: [...config.subscriptions, { ...config.subscriptions[0], id: "stuck", url: stuck.url }],
          delivery: { ...config.delivery, concurrency: 2, timeoutMs: 60_000 },
        },
        database: await engine.fresh(),
      });
      servers.push(server);
      const events = Array.from({ length: 10 }, (_, i) => ({ event: "delivered", id: `s-${i}` }));
      expect((await server.post(SENDGRID, sendgridBatch(events), AUTH)).status).toBe(200);
      await until(() => healthy.delivered().length === 10, "every event at the healthy endpoint");
      await until(() => stuck.received.length === 2, "the stuck endpoint holding both of its slots");
      expect(stuck.received).toHaveLength(2);
    });

    it("queues nothing for a request it refuses, nor for statuses and integrations the subscription filters out", async () => {
      const { endpoint, server } = await setUp(engine, () => 200, { statuses: ["bounced"], integrations: ["sendgrid"] });
      expect((await server.post(SENDGRID, sendgridBatch([{ event: "bounce", id: "f-1" }]), { authorization: "ApiKey wrong-key-0123456789" })).status).toBe(401);
      expect((await server.post(SENDGRID, sendgridBatch([{ event: "delivered", id: "f-2" }, { event: "bounce", id: "f-3" }]), AUTH)).status).toBe(200);
      expect((await server.post(`${INBOUND}/env-a/open-sendgrid`, sendgridBatch([{ event: "bounce", id: "f-4" }]), AUTH)).status).toBe(200);
      await until(() => endpoint.delivered().length === 1, "the one bounce delivered");
      expect((await deliveries(server)).map((d) => d.eventId)).toEqual(["f-3"]);
    });
  });
}

describe("delivery operations in OpenAPI", () => {
  it("document exactly the query parameters the delivery list reads", () => {
    const paths = (buildOpenApi() as { paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>> }).paths;
    const list = paths["/v2/environments/{environmentId}/subscriptions/{subscriptionId}/deliveries"]!["get"]!;
    expect(Object.keys(DELIVERY_PARAMETERS).sort()).toEqual(Object.keys(DeliveriesQuerySchema.shape).sort());
    expect(list.parameters.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(Object.keys(DeliveriesQuerySchema.shape).sort());
    expect(Object.keys(paths)).toEqual(expect.arrayContaining([`${OPS.replace("env-a", "{environmentId}").replace("app", "{subscriptionId}")}/replay`]));
  });
});
