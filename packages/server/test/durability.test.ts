import { Validator } from "@seriousme/openapi-schema-validator";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildOpenApi, SqliteStore, StorageUnavailableError, type Store } from "../src/index.js";
import { API_KEY, EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, removeDir, startTestServer, type FeedBody, type TestServer } from "./helpers.js";

const AUTH = { authorization: EVERLYTIC_BASIC };
const started: TestServer[] = [];

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  started.push(server);
  return server;
}

afterEach(async () => {
  for (const server of started.splice(0)) {
    await server.stop().catch(() => undefined);
    removeDir(server.dir);
  }
});

/** A SQLite store whose commits can be held back or made to fail, to provoke races and outages. */
class ControlledStore extends SqliteStore {
  hold: Promise<void> | undefined;
  failing = false;
  override async commitAccepted(...args: Parameters<Store["commitAccepted"]>): Promise<void> {
    if (this.hold !== undefined) await this.hold;
    if (this.failing) {
      // As a failed commit does: the record's idempotency key is free again.
      const [{ scope, idempotencyKey }] = args;
      if (idempotencyKey !== undefined) await this.releaseIdempotencyKey(scope, idempotencyKey);
      throw new StorageUnavailableError("disk is gone");
    }
    return super.commitAccepted(...args);
  }
  override async recordRejected(...args: Parameters<Store["recordRejected"]>): Promise<void> {
    if (this.failing) throw new StorageUnavailableError("disk is gone");
    return super.recordRejected(...args);
  }
  override async probeWrite(): Promise<void> {
    if (this.failing) throw new StorageUnavailableError("disk is gone");
    return super.probeWrite();
  }
}

/** A server on a ControlledStore in a fresh folder; the store's file is `database`. */
async function startControlled(): Promise<{ server: TestServer; store: ControlledStore; database: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-controlled-"));
  const database = join(dir, "controlled.db");
  const store = new ControlledStore(database);
  return { server: await start({ store, dir }), store, database };
}

describe("durability", () => {
  it("keeps the events across a restart on the same database", async () => {
    const first = await start();
    for (const id of ["r-1", "r-2", "r-3"]) expect((await first.post(EVERLYTIC, JSON.stringify(everlyticPayload(id)), AUTH)).status).toBe(200);
    await first.stop();
    const second = await start({ dir: first.dir });
    const feed = (await (await second.get(`${EVERLYTIC}/events`, { authorization: `ApiKey ${API_KEY}` })).json()) as FeedBody;
    expect(feed.data.map((item: { id: string }) => item.id)).toEqual(["r-1", "r-2", "r-3"]);
  });

  it("answers 409 while a request with the same idempotency-key is in flight, then replays", async () => {
    const { server, store } = await startControlled();
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    const headers = { ...AUTH, "idempotency-key": "race-1" };
    const body = JSON.stringify(everlyticPayload("race"));
    const first = server.post(EVERLYTIC, body, headers);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await server.post(EVERLYTIC, body, headers);
    expect(second.status).toBe(409);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(await second.json()).toMatchObject({ code: "idempotency_in_flight" });
    store.hold = undefined;
    release();
    expect((await first).status).toBe(200);
    const third = await server.post(EVERLYTIC, body, headers);
    expect(third.status).toBe(200);
    expect(third.headers.get("idempotency-replay")).toBe("true");
  });

  it("answers 503 when storage is down, releases the key, and recovers", async () => {
    const { server, store } = await startControlled();
    store.failing = true;
    const headers = { ...AUTH, "idempotency-key": "outage-1" };
    const body = JSON.stringify(everlyticPayload("outage"));
    const down = await server.post(EVERLYTIC, body, headers);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ statusCode: 503, code: "storage_unavailable" });
    expect((await server.post(EVERLYTIC, "{", AUTH)).status).toBe(503);
    expect((await server.get("/health")).status).toBe(503);
    store.failing = false;
    const up = await server.post(EVERLYTIC, body, headers);
    expect(up.status).toBe(200);
    expect(up.headers.get("idempotency-replay")).toBeNull();
    expect((await server.get("/health")).status).toBe(200);
  });
});

describe("graceful shutdown", () => {
  it("finishes a request that is in flight when the server is asked to stop", async () => {
    const { server, store, database } = await startControlled();
    let release!: () => void;
    store.hold = new Promise((resolve) => (release = resolve));
    const inFlight = server.post(EVERLYTIC, JSON.stringify(everlyticPayload("last-one")), AUTH);
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = server.stop().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    store.hold = undefined;
    release();
    expect((await inFlight).status).toBe(200);
    await closing;
    const reopened = new SqliteStore(database);
    const page = await reopened.feed({ environmentId: "env-a", integrationId: "everlytic" }, { limit: 10 });
    expect(page.data.map((item) => item.id)).toEqual(["last-one"]);
    await reopened.close();
  });
});

describe("openapi.json", () => {
  it("is a valid OpenAPI 3.1 document and is what the server serves", async () => {
    const validator = new Validator();
    const result = await validator.validate(buildOpenApi());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    const server = await start();
    const served = await (await server.get("/openapi.json")).json();
    expect(served).toEqual(buildOpenApi());
    expect(validator.version).toBe("3.1");
  });
});
