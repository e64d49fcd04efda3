import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryPageSchema, ReplayResultSchema, RetryResultSchema, SubscriptionListSchema } from "../../src/outbound/schemas.js";
import { ErrorBodySchema } from "../../src/index.js";
import { ENGINES, PG_SKIP_REASON } from "../databases.js";
import { SECRET, startEndpoint, until, type Endpoint } from "../endpoint.js";
import { API_KEY, INBOUND, OTHER_API_KEY, removeDir, sendgridBatch, startTestServer, TEST_CONFIG, type TestServer } from "../helpers.js";

/**
 * The delivery operations as the console calls them: with a session cookie of the environment,
 * never of another, and changes only with the console's header or a JSON body besides the cookie.
 */
const APIKEY = { authorization: `ApiKey ${API_KEY}` };
const ENV_A = "/v2/environments/env-a/subscriptions";
const APP = `${ENV_A}/app`;
const MARK = { "x-tidings-console": "1" };
/** What a cross-site HTML form sends: the browser adds the cookie (were SameSite not to stop it), nothing else. */
const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(ErrorBodySchema.parse(await response.json())).toMatchObject({ statusCode: status, code });
  expect(response.status).toBe(status);
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`delivery operations with a console session: ${engine.name}${engine.available ? "" : ` (skipped: ${PG_SKIP_REASON})`}`, () => {
    let server: TestServer;
    let app: Endpoint;
    let gone: Endpoint;
    let failing = true;
    let cookieA: string;
    let cookieB: string;
    const asA = (path: string) => server.get(path, { cookie: cookieA });
    const deliveries = async (query = "") => DeliveryPageSchema.parse(await (await server.get(`${APP}/deliveries${query}`, APIKEY)).json()).data;
    const signIn = async (apiKey: string) => ((await server.post("/console/api/session", JSON.stringify({ apiKey }))).headers.get("set-cookie") ?? "").split(";")[0]!;

    beforeAll(async () => {
      app = await startEndpoint(() => (failing ? 500 : 200));
      gone = await startEndpoint(() => 410);
      const subscription = { secret: SECRET, allowPrivateNetwork: true, retrySchedule: [0] };
      const config = {
        ...TEST_CONFIG,
        subscriptions: [
          { id: "app", environmentId: "env-a", url: app.url, ...subscription },
          { id: "gone", environmentId: "env-a", url: gone.url, statuses: ["bounced"], integrations: ["sendgrid"], ...subscription },
          { id: "b-app", environmentId: "env-b", url: app.url, ...subscription },
        ],
        delivery: { pollMs: 20, timeoutMs: 2000 },
      };
      server = await startTestServer({ config, database: await engine.fresh(), sessionSecret: "a-session-secret-for-these-tests-only", signInsPerMinute: 1000 });
      expect((await server.post(`${INBOUND}/env-a/sendgrid`, sendgridBatch([{ event: "bounce", id: "b-1" }]), APIKEY)).status).toBe(200);
      await until(async () => (await deliveries())[0]?.state === "dead", "app's delivery dead after its schedule");
      cookieA = await signIn(API_KEY);
      cookieB = await signIn(OTHER_API_KEY);
      expect(cookieA).toMatch(/^tidings_console=/);
    });
    afterAll(async () => {
      await app?.close();
      await gone?.close();
      await server?.stop();
      if (server !== undefined) removeDir(server.dir);
    });

    it("lists the environment's subscriptions with their filters, a 410's disabling and counts, for its session or its key", async () => {
      await until(async () => {
        const listed = SubscriptionListSchema.parse(await (await asA(ENV_A)).json());
        return listed.data.find((s) => s.id === "gone")?.disabled !== null;
      }, "gone disabled after its 410");
      const response = await asA(ENV_A);
      expect(response.status).toBe(200);
      expect(SubscriptionListSchema.parse(await response.json()).data).toEqual([
        { id: "app", url: app.url, statuses: null, integrations: null, disabled: null, pending: 0, dead: 1 },
        { id: "gone", url: gone.url, statuses: ["bounced"], integrations: ["sendgrid"], disabled: "the endpoint answered 410 Gone", pending: 0, dead: 1 },
      ]);
      const byKey = await server.get(ENV_A, APIKEY);
      expect((SubscriptionListSchema.parse(await byKey.json())).data.map((s) => s.id)).toEqual(["app", "gone"]);
      const mine = await server.get("/v2/environments/env-b/subscriptions", { cookie: cookieB });
      expect(SubscriptionListSchema.parse(await mine.json()).data).toEqual([{ id: "b-app", url: app.url, statuses: null, integrations: null, disabled: null, pending: 0, dead: 0 }]);
    });

    it("refuses another environment's session, no session, and an unknown environment", async () => {
      await expectError(await server.get(ENV_A, { cookie: cookieB }), 401, "unauthorized");
      await expectError(await server.get(ENV_A), 401, "unauthorized");
      await expectError(await server.get(`${APP}/deliveries`, { cookie: cookieB }), 401, "unauthorized");
      await expectError(await server.get("/v2/environments/nowhere/subscriptions", { cookie: cookieA }), 404, "environment_not_found");
      // env-b's subscription is not env-a's, whichever session asks.
      await expectError(await asA("/v2/environments/env-a/subscriptions/b-app/deliveries"), 404, "not_found");
    });

    it("lists a subscription's deliveries with their attempts for the session, and answers bad queries 400", async () => {
      const response = await asA(`${APP}/deliveries?state=dead`);
      expect(response.status).toBe(200);
      const [dead, ...rest] = DeliveryPageSchema.parse(await response.json()).data;
      expect(rest).toEqual([]);
      expect(dead).toMatchObject({ eventId: "b-1", integrationId: "sendgrid", state: "dead" });
      expect(dead!.attempts.map((a) => [a.statusCode, a.response])).toEqual([
        [500, "answer 500 to attempt 1"],
        [500, "answer 500 to attempt 2"],
      ]);
      await expectError(await asA(`${APP}/deliveries?state=lost`), 400, "invalid_request");
      await expectError(await asA(`${APP}/deliveries?limit=0`), 400, "invalid_request");
      await expectError(await asA(`${APP}/deliveries?cursor=1`), 400, "invalid_request");
    });

    it("refuses a change made with the cookie alone, as a cross-site form would send it", async () => {
      const [dead] = await deliveries("?state=dead");
      await expectError(await server.post(`${APP}/deliveries/${dead!.id}/retry`, "", { ...FORM, cookie: cookieA }), 403, "forbidden");
      await expectError(await server.post(`${APP}/replay`, "since=2000-01-01T00%3A00%3A00Z", { ...FORM, cookie: cookieA }), 403, "forbidden");
      expect((await deliveries())[0]!.state).toBe("dead");
      // The API key needs no header: it is not sent by a browser on its own.
      await expectError(await server.post(`${APP}/deliveries/none/retry`, "", { ...FORM, ...APIKEY }), 404, "not_found");
    });

    it("retries a dead delivery through the session with the console's header, never through another environment's", async () => {
      failing = false;
      const [dead] = await deliveries("?state=dead");
      await expectError(await server.post(`${APP}/deliveries/${dead!.id}/retry`, "", { ...FORM, ...MARK, cookie: cookieB }), 401, "unauthorized");
      const response = await server.post(`${APP}/deliveries/${dead!.id}/retry`, "", { ...FORM, ...MARK, cookie: cookieA });
      expect(response.status).toBe(200);
      expect(RetryResultSchema.parse(await response.json())).toEqual({ id: dead!.id, state: "pending" });
      await until(async () => (await deliveries())[0]?.state === "delivered", "delivered after the retry");
      await expectError(await server.post(`${APP}/deliveries/${dead!.id}/retry`, "", { ...MARK, cookie: cookieA }), 404, "not_found");
    });

    it("replays through the session with a JSON body, and answers bad input in the error shape", async () => {
      const before = app.delivered().length;
      await expectError(await server.post(`${APP}/replay`, JSON.stringify({ since: "2000-01-01T00:00:00Z" }), { cookie: cookieB }), 401, "unauthorized");
      const response = await server.post(`${APP}/replay`, JSON.stringify({ since: "2000-01-01T00:00:00Z" }), { cookie: cookieA });
      expect(response.status).toBe(200);
      expect(ReplayResultSchema.parse(await response.json())).toEqual({ queued: 1, complete: true });
      await until(() => app.delivered().length === before + 1, "the replay delivered");
      await expectError(await server.post(`${APP}/replay`, JSON.stringify({ since: "yesterday" }), { cookie: cookieA }), 400, "invalid_request");
      await expectError(await server.post(`${APP}/replay`, JSON.stringify({ since: "2000-01-01T00:00:00Z", extra: 1 }), { cookie: cookieA }), 400, "invalid_request");
      await expectError(await server.post(`${APP}/replay`, "since=yesterday", { ...FORM, ...MARK, cookie: cookieA }), 400, "malformed_body");
    });
  });
}
