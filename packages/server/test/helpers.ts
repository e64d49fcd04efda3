import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { createLogger, resolveConfig, startServer, type RunningServer, type ServerOptions, type Store } from "../src/index.js";

export const API_KEY = "env-a-api-key-0123456789";
export const OTHER_API_KEY = "env-b-api-key-0123456789";
export const EVERLYTIC_AUTH = { username: "everlytic", password: "webhook-password-1" };
export const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

export const TEST_CONFIG = {
  environments: [
    { id: "env-a", apiKeys: [API_KEY] },
    { id: "env-b", apiKeys: [OTHER_API_KEY] },
  ],
  integrations: [
    { environmentId: "env-a", id: "everlytic", provider: "everlytic-standard", credentials: EVERLYTIC_AUTH },
    { environmentId: "env-a", id: "legacy", provider: "everlytic-legacy", credentials: EVERLYTIC_AUTH },
    { environmentId: "env-a", id: "sendgrid", provider: "sendgrid" },
    { environmentId: "env-a", id: "open-sendgrid", provider: "sendgrid", allowUnverified: true },
    { environmentId: "env-b", id: "everlytic", provider: "everlytic-standard", credentials: EVERLYTIC_AUTH },
  ],
} as const;

export interface TestServer extends RunningServer {
  readonly dir: string;
  readonly database: string;
  /** Every log line written so far. */
  logs(): string;
  post(path: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export const INBOUND = "/v2/inbound-webhooks/delivery-providers";
/** env-a's Everlytic standard integration, and the basic auth it is configured with. */
export const EVERLYTIC = `${INBOUND}/env-a/everlytic`;
export const EVERLYTIC_BASIC = basic(EVERLYTIC_AUTH.username, EVERLYTIC_AUTH.password);

/** The feed's answer, as the tests read it. */
export interface FeedBody {
  data: { id: string; event: { status: string; date: string; externalId?: string; row?: string }; receivedAt: string }[];
  next: string | null;
}

/** The real server on a loopback port, with a temporary SQLite file and captured logs. */
export async function startTestServer(
  options: { config?: unknown; dir?: string; store?: Store; database?: string } & Pick<ServerOptions, "now" | "configure" | "sessionSecret" | "signInsPerMinute"> = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "tidings-test-"));
  const database = options.database ?? join(dir, "tidings.db");
  let logs = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const config = await resolveConfig(options.config ?? TEST_CONFIG, "<test config>");
  const server = await startServer({
    config,
    database,
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({ level: "debug" }, sink),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.configure === undefined ? {} : { configure: options.configure }),
    ...(options.sessionSecret === undefined ? {} : { sessionSecret: options.sessionSecret }),
    ...(options.signInsPerMinute === undefined ? {} : { signInsPerMinute: options.signInsPerMinute }),
  });
  return {
    ...server,
    dir,
    database,
    logs: () => logs,
    post: (path, body, headers = {}) => fetch(server.url + path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
    get: (path, headers = {}) => fetch(server.url + path, { headers }),
    stop: async () => {
      await server.close();
    },
  };
}

/** Every result id in the feed of one of env-a's integrations, all pages read. */
export async function feedIds(url: string, integration = "everlytic"): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const query: string = after === null ? "?limit=1000" : `?limit=1000&after=${after}`;
    const response = await fetch(`${url}${INBOUND}/env-a/${integration}/events${query}`, { headers: { authorization: `ApiKey ${API_KEY}` } });
    const page = (await response.json()) as FeedBody;
    ids.push(...page.data.map((item) => item.id));
    if (page.next === null) return ids;
    after = page.next;
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function everlyticPayload(id: string, type = "delivered", transactionId = `t-${id}`) {
  return { id, type, timestamp: "2025-01-15T10:32:11+02:00", data: [{ transaction: { id: transactionId, recipient: { email: "a@example.com" } } }] };
}

export function sendgridBatch(events: readonly { event: string; id: string }[]) {
  return `[${events.map((e) => JSON.stringify({ event: e.event, timestamp: 1_700_000_000, sg_event_id: e.id, sg_message_id: `${e.id}.filter0001` })).join(",\r\n")}]\r\n`;
}

/** One test server for the enclosing describe block, stopped and removed after it; call the result to get it. */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    if (server === undefined) return;
    await server.stop();
    removeDir(server.dir);
  });
  return () => {
    if (server === undefined) throw new Error("the test server has not started");
    return server;
  };
}
