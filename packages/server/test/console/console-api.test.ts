import { sign } from "@fastify/cookie";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionCodec } from "../../src/console/session.js";
import type { z } from "zod";
import {
  ConsoleEventsSchema,
  EventsQuerySchema,
  IntegrationsSchema,
  KeptEventsSchema,
  ListQuerySchema,
  RejectedCallsSchema,
  SessionSchema,
  StatsQuerySchema,
  StatsSchema,
} from "../../src/console/schemas.js";
import { buildOpenApi, ErrorBodySchema } from "../../src/index.js";
import { ENGINES, PG_SKIP_REASON } from "../databases.js";
import { API_KEY, basic, EVERLYTIC_AUTH, INBOUND, OTHER_API_KEY, removeDir, sendgridBatch, startTestServer, type TestServer } from "../helpers.js";

const SECRET = "a-session-secret-for-these-tests-only";
const ENV_A = "/console/api/environments/env-a";
const ENV_B = "/console/api/environments/env-b";
const APIKEY = { authorization: `ApiKey ${API_KEY}` };

/** A signed session cookie as the receiver would issue it, for claims the test chooses. */
function forgeCookie(claims: { environmentId: string; expiresAt: number; key: string }, secret = SECRET): string {
  const codec = new SessionCodec(secret);
  const value = codec.encode({ environmentId: claims.environmentId, expiresAt: claims.expiresAt, keyTag: codec.keyTag(claims.key) });
  return `tidings_console=${encodeURIComponent(sign(value, secret))}`;
}

async function signIn(server: TestServer, apiKey: string): Promise<{ response: Response; cookie: string }> {
  const response = await server.post("/console/api/session", JSON.stringify({ apiKey }));
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { response, cookie: setCookie.split(";")[0]! };
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const body: unknown = await response.json();
  expect(ErrorBodySchema.parse(body)).toMatchObject({ statusCode: status, code });
  expect(response.status).toBe(status);
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`the console's endpoints: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    let server: TestServer;
    let cookieA: string;
    let cookieB: string;
    beforeAll(async () => {
      server = await startTestServer({ database: await engine.fresh(), sessionSecret: SECRET, signInsPerMinute: 1000 });
      const batch = sendgridBatch([
        { event: "delivered", id: "d1" },
        { event: "bounce", id: "b1" },
        { event: "open", id: "o1" },
        { event: "group_resubscribe", id: "g1" },
      ]);
      expect((await server.post(`${INBOUND}/env-a/sendgrid`, batch, APIKEY)).status).toBe(200);
      // A re-delivery: stored once, counted once.
      expect((await server.post(`${INBOUND}/env-a/sendgrid`, batch, APIKEY)).status).toBe(200);
      expect((await server.post(`${INBOUND}/env-a/everlytic`, "{}", { authorization: basic(EVERLYTIC_AUTH.username, "wrong") })).status).toBe(401);
      cookieA = (await signIn(server, API_KEY)).cookie;
      cookieB = (await signIn(server, OTHER_API_KEY)).cookie;
    });
    afterAll(async () => {
      await server.stop();
      removeDir(server.dir);
    });
    const asA = (path: string) => server.get(path, { cookie: cookieA });

    it("signs in with an environment's key into a signed, httpOnly, SameSite=Strict cookie", async () => {
      const { response } = await signIn(server, API_KEY);
      expect(response.status).toBe(200);
      expect(SessionSchema.parse(await response.json()).environmentId).toBe("env-a");
      const setCookie = response.headers.get("set-cookie")!;
      expect(setCookie).toMatch(/^tidings_console=[^;]+\.[^;]+;/);
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; SameSite=Strict/);
      expect(setCookie).toMatch(/; Path=\//);
      const session = await server.get("/console/api/session", { cookie: cookieA });
      expect(SessionSchema.parse(await session.json()).environmentId).toBe("env-a");
    });

    it("lists the environment's integrations with their URL, verification, last call and counts", async () => {
      const response = await asA(`${ENV_A}/integrations`);
      const { data } = IntegrationsSchema.parse(await response.json());
      expect(data.map((i) => i.id)).toEqual(["everlytic", "legacy", "sendgrid", "open-sendgrid"]);
      const byId = new Map(data.map((i) => [i.id, i]));
      expect(byId.get("everlytic")).toMatchObject({ verification: "basic_auth", url: `${server.url}${INBOUND}/env-a/everlytic` });
      expect(byId.get("sendgrid")!.verification).toBe("api_key_only");
      expect(byId.get("open-sendgrid")!.verification).toBe("unverified");
      // The rejected call counts as the everlytic integration's last call.
      expect(byId.get("everlytic")!.lastCallAt).not.toBeNull();
      expect(byId.get("legacy")!.lastCallAt).toBeNull();
      expect(byId.get("sendgrid")!.setup).toContain("Event Webhook");
    });

    it("counts each stored result once in the hourly roll-up", async () => {
      // sendgridBatch dates every event 2023-11-14T22:13:20Z.
      const response = await asA(`${ENV_A}/stats?since=2023-11-14T00:00:00Z&until=2023-11-15T00:00:00Z`);
      const stats = StatsSchema.parse(await response.json());
      expect(stats.bucket).toBe("hour");
      expect(stats.data).toEqual([
        { at: "2023-11-14T22:00:00.000Z", status: "opened", count: 1 },
        { at: "2023-11-14T22:00:00.000Z", status: "delivered", count: 1 },
        { at: "2023-11-14T22:00:00.000Z", status: "bounced", count: 1 },
      ]);
      const daily = StatsSchema.parse(await (await asA(`${ENV_A}/stats?since=2023-11-01T00:00:00Z&until=2023-12-01T00:00:00Z`)).json());
      expect(daily.bucket).toBe("day");
      expect(daily.data.map((row) => [row.at, row.count])).toEqual([
        ["2023-11-14T00:00:00.000Z", 1],
        ["2023-11-14T00:00:00.000Z", 1],
        ["2023-11-14T00:00:00.000Z", 1],
      ]);
    });

    it("pages events newest first, filters by status and searches ids", async () => {
      const all = ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events`)).json());
      expect(all.data.map((e) => e.id)).toEqual(["o1", "b1", "d1"]);
      const older = ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events?limit=1&before=${all.data[0]!.cursor}`)).json());
      expect(older.data.map((e) => e.id)).toEqual(["b1"]);
      const newer = ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events?after=${all.data[1]!.cursor}`)).json());
      expect(newer.data.map((e) => e.id)).toEqual(["o1"]);
      const bounced = ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events?status=bounced&integration=sendgrid`)).json());
      expect(bounced.data.map((e) => e.id)).toEqual(["b1"]);
      const found = ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events?q=d1`)).json());
      expect(found.data.map((e) => e.id)).toEqual(["d1"]);
      expect((ConsoleEventsSchema.parse(await (await asA(`${ENV_A}/events?q=nobody`)).json())).data).toEqual([]);
    });

    it("lists the rejected call with its headers redacted, and the ignored event with its reason", async () => {
      const rejected = RejectedCallsSchema.parse(await (await asA(`${ENV_A}/rejected`)).json());
      expect(rejected.data).toHaveLength(1);
      expect(rejected.data[0]).toMatchObject({ integrationId: "everlytic", code: "unauthorized", body: "{}", bodyBytes: 2, bodyTruncated: false });
      expect(rejected.data[0]!.headers["authorization"]).toBe("[redacted]");
      const kept = KeptEventsSchema.parse(await (await asA(`${ENV_A}/kept`)).json());
      expect(kept.data).toMatchObject([{ integrationId: "sendgrid", kind: "ignored", id: "g1", name: "group_resubscribe" }]);
    });

    it("answers a script that sends the API key instead of a cookie", async () => {
      const response = await server.get(`${ENV_A}/events`, APIKEY);
      expect(ConsoleEventsSchema.parse(await response.json()).data).toHaveLength(3);
    });

    it("lets one environment's session see nothing of another's", async () => {
      for (const path of ["integrations", "events", "stats?since=2023-11-14T00:00:00Z&until=2023-11-15T00:00:00Z", "rejected", "kept"]) {
        await expectError(await server.get(`${ENV_A}/${path}`, { cookie: cookieB }), 401, "unauthorized");
      }
      await expectError(await server.get(`${INBOUND}/env-a/sendgrid/events`, { cookie: cookieB }), 401, "unauthorized");
      await expectError(await server.get(`${INBOUND}/env-a/sendgrid/messages/d1.filter0001/events`, { cookie: cookieB }), 401, "unauthorized");
      const own = ConsoleEventsSchema.parse(await (await server.get(`${ENV_B}/events`, { cookie: cookieB })).json());
      expect(own.data).toEqual([]);
      expect(RejectedCallsSchema.parse(await (await server.get(`${ENV_B}/rejected`, { cookie: cookieB })).json()).data).toEqual([]);
    });

    it("accepts its session on the feed and the timeline of its own environment", async () => {
      const feed = await server.get(`${INBOUND}/env-a/sendgrid/events`, { cookie: cookieA });
      expect(feed.status).toBe(200);
      const timeline = await server.get(`${INBOUND}/env-a/sendgrid/messages/b1/events`, { cookie: cookieA });
      expect(((await timeline.json()) as { data: { id: string }[] }).data.map((item) => item.id)).toEqual(["b1"]);
    });

    it("refuses forged, tampered, expired and revoked cookies", async () => {
      const now = Date.now();
      const [name, value] = cookieA.split("=") as [string, string];
      const cookies = [
        "tidings_console=garbage",
        `tidings_console=${value.slice(0, -2)}xx`, // signature altered
        `${name}=${encodeURIComponent(Buffer.from(JSON.stringify(["env-a", now + 1e9, "x"])).toString("base64url"))}`, // unsigned
        forgeCookie({ environmentId: "env-a", expiresAt: now + 60_000, key: API_KEY }, "another-secret-of-some-length"), // signed with another secret
        forgeCookie({ environmentId: "env-a", expiresAt: now - 1, key: API_KEY }), // expired
        forgeCookie({ environmentId: "env-a", expiresAt: now + 60_000, key: "a-key-env-a-no-longer-has" }), // key removed from the config
        forgeCookie({ environmentId: "env-a", expiresAt: now + 60_000, key: OTHER_API_KEY }), // another environment's key
        forgeCookie({ environmentId: "no-such-env", expiresAt: now + 60_000, key: API_KEY }),
      ];
      for (const cookie of cookies) {
        await expectError(await server.get(`${ENV_A}/events`, { cookie }), 401, "unauthorized");
        await expectError(await server.get("/console/api/session", { cookie }), 401, "unauthorized");
      }
      // The same forgery with the right secret and a current key is a session: the checks above are what refused them.
      expect((await server.get(`${ENV_A}/events`, { cookie: forgeCookie({ environmentId: "env-a", expiresAt: now + 60_000, key: API_KEY }) })).status).toBe(200);
    });

    it("answers bad input to every console endpoint with a 4xx in the error shape", async () => {
      const huge = "x".repeat(5000);
      const cases: [string, number, string][] = [
        [`${ENV_A}/events?colour=red`, 400, "invalid_request"],
        [`${ENV_A}/events?q=${huge}`, 400, "invalid_request"],
        [`${ENV_A}/events?q=`, 400, "invalid_request"],
        [`${ENV_A}/events?status=lost`, 400, "invalid_request"],
        [`${ENV_A}/events?status=bounced&status=opened`, 400, "invalid_request"],
        [`${ENV_A}/events?since=yesterday`, 400, "invalid_request"],
        [`${ENV_A}/events?limit=0`, 400, "invalid_request"],
        [`${ENV_A}/events?limit=5000`, 400, "invalid_request"],
        [`${ENV_A}/events?before=abc`, 400, "invalid_request"],
        [`${ENV_A}/events?before=99999999999999999`, 400, "invalid_request"],
        [`${ENV_A}/events?before=1&after=1`, 400, "invalid_request"],
        [`${ENV_A}/events?integration=nope`, 404, "integration_not_found"],
        [`${ENV_A}/events?integration=${huge}`, 400, "invalid_request"],
        [`${ENV_A}/stats`, 400, "invalid_request"],
        [`${ENV_A}/stats?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z`, 400, "invalid_request"],
        [`${ENV_A}/stats?since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z`, 400, "invalid_request"],
        [`${ENV_A}/stats?since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z&bucket=week`, 400, "invalid_request"],
        [`${ENV_A}/rejected?limit=-1`, 400, "invalid_request"],
        [`${ENV_A}/rejected?q=x`, 400, "invalid_request"],
        [`${ENV_A}/kept?before=x`, 400, "invalid_request"],
        [`${ENV_A}/kept?integration=nope`, 404, "integration_not_found"],
        ["/console/api/environments/nowhere/events", 404, "environment_not_found"],
        [`/console/api/environments/${huge}/integrations`, 404, "environment_not_found"],
        ["/console/api/nothing-here", 404, "not_found"],
        ["/console/assets/missing.js", 404, "not_found"],
        [`/console/assets/${huge}.js`, 400, "invalid_request"],
        ["/console/assets/..%2f..%2fpackage.json", 404, "not_found"],
      ];
      for (const [path, status, code] of cases) {
        const response = await asA(path);
        await expectError(response, status, code).catch((error: Error) => {
          throw new Error(`${path.slice(0, 120)}: ${error.message}`);
        });
      }
      await expectError(await server.get(`${ENV_A}/events?${"a=1&".repeat(6000)}`, { cookie: cookieA }), 431, "headers_too_large");
    });

    it("answers bad sign-ins in the error shape", async () => {
      const post = (body: string, headers: Record<string, string> = {}) => server.post("/console/api/session", body, headers);
      await expectError(await post(JSON.stringify({ apiKey: "wrong-key-0123456789" })), 401, "unauthorized");
      await expectError(await post(JSON.stringify({ apiKey: API_KEY }), { "content-type": "text/plain" }), 415, "unsupported_content_type");
      await expectError(await post("{not json"), 400, "malformed_body");
      await expectError(await post(JSON.stringify({ apiKey: API_KEY, environmentId: "env-b" })), 400, "invalid_request");
      await expectError(await post(JSON.stringify({ apiKey: "k".repeat(5000) })), 400, "invalid_request");
      await expectError(await post(JSON.stringify(["__proto__"])), 400, "invalid_request");
      await expectError(await server.get("/console/api/session"), 401, "unauthorized");
    });
  });
}

describe("console sign-in rate limit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ signInsPerMinute: 3 });
  });
  afterAll(async () => {
    await server.stop();
    removeDir(server.dir);
  });

  it("answers 429 rate_limited, with retry-after, once a client has used its attempts", async () => {
    const attempt = () => server.post("/console/api/session", JSON.stringify({ apiKey: "guess-0123456789abcdef" }));
    for (let i = 0; i < 3; i++) await expectError(await attempt(), 401, "unauthorized");
    const limited = await attempt();
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectError(limited, 429, "rate_limited");
    // Even the right key waits until the window ends.
    await expectError(await server.post("/console/api/session", JSON.stringify({ apiKey: API_KEY })), 429, "rate_limited");
  });

  it("signs out by clearing the cookie", async () => {
    const out = await fetch(`${server.url}/console/api/session`, { method: "DELETE" });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^tidings_console=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe("the console in OpenAPI", () => {
  const document = buildOpenApi() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

  it("documents every query parameter each endpoint's zod schema accepts, and no other", () => {
    const cases: [string, z.ZodObject][] = [
      ["events", EventsQuerySchema as unknown as z.ZodObject],
      ["stats", StatsQuerySchema as unknown as z.ZodObject],
      ["rejected", ListQuerySchema],
      ["kept", ListQuerySchema],
    ];
    for (const [endpoint, schema] of cases) {
      const documented = document.paths[`/console/api/environments/{environmentId}/${endpoint}`]!.get!.parameters!.filter((p) => p.in === "query").map((p) => p.name);
      const shape = "shape" in schema ? schema.shape : (schema as unknown as { def: { in: z.ZodObject } }).def.in.shape;
      expect(documented.sort()).toEqual(Object.keys(shape).sort());
    }
  });

  it("documents the session endpoints", () => {
    expect(Object.keys(document.paths["/console/api/session"]!).sort()).toEqual(["delete", "get", "post"]);
  });
});
