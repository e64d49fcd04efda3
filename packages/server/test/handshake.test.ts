import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InboundRequest } from "@tidings/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, resolveConfig, startServer, type RunningServer } from "../src/index.js";
import { API_KEY, EVERLYTIC_AUTH, INBOUND, basic, everlyticPayload } from "./helpers.js";

const PATH = `${INBOUND}/env-a/probe`;

/** Everlytic's plugin with a RingCentral-style handshake: the token header is echoed. */
function withHandshake<P extends { readonly handshake?: unknown }>(plugin: P): P {
  return {
    ...plugin,
    handshake: (request: InboundRequest) => {
      const token = request.headers["validation-token"];
      if (token === undefined) return undefined;
      if (token === "throw") throw new Error("broken plugin");
      return { headers: { "validation-token": token }, reason: "validation token echoed" };
    },
  };
}

describe("a plugin's set-up handshake", () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tidings-handshake-"));
    const config = await resolveConfig(
      {
        environments: [{ id: "env-a", apiKeys: [API_KEY] }],
        integrations: [{ environmentId: "env-a", id: "probe", provider: "everlytic-standard", credentials: [EVERLYTIC_AUTH] }],
      },
      "<test config>",
    );
    const integrations = new Map([...config.integrations].map(([key, integration]) => [key, { ...integration, plugin: withHandshake(integration.plugin) }]));
    server = await startServer({ config: { ...config, integrations }, database: join(dir, "tidings.db"), port: 0, host: "127.0.0.1", logger: createLogger({ level: "silent" }) });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (headers: Record<string, string>, body = "") => fetch(server.url + PATH, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const feedLength = async () => {
    const response = await fetch(`${server.url}${PATH}/events`, { headers: { authorization: `ApiKey ${API_KEY}` } });
    return ((await response.json()) as { data: unknown[] }).data.length;
  };

  it("echoes the token with 200 and no events, before any credentials, and stores nothing", async () => {
    const response = await post({ "validation-token": "a1b2-c3d4" });
    expect(response.status).toBe(200);
    expect(response.headers.get("validation-token")).toBe("a1b2-c3d4");
    expect(await response.json()).toEqual([]);
    expect(await feedLength()).toBe(0);
  });

  it("leaves requests without the probe to authorization as before", async () => {
    expect((await post({}, JSON.stringify(everlyticPayload("h-1")))).status).toBe(401);
    const ok = await post({ authorization: basic(EVERLYTIC_AUTH.username, EVERLYTIC_AUTH.password) }, JSON.stringify(everlyticPayload("h-1")));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("validation-token")).toBeNull();
    expect(await feedLength()).toBe(1);
  });

  it("does not echo a value too long to be a token", async () => {
    const response = await post({ "validation-token": "x".repeat(2000) });
    expect(response.status).toBe(401);
    expect(response.headers.get("validation-token")).toBeNull();
  });

  it("treats a plugin that throws as a normal request, not a crash", async () => {
    const response = await post({ "validation-token": "throw" }, JSON.stringify(everlyticPayload("h-2")));
    expect(response.status).toBe(401);
  });
});
