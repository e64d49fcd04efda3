import { basicAuthHeader, inboundRequest, normalize, parseCredentials, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixtures } from "@tidings/core/fixtures";
import { testPlugin } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { sparkpost } from "../src/index.js";
import { CREDENTIALS, sparkpostRequest } from "./requests.js";

testPlugin({ plugin: sparkpost, credentials: CREDENTIALS, requestFor: sparkpostRequest });

const FIXTURES = new URL("../../../fixtures/sparkpost/", import.meta.url).pathname;

describe("sparkpost fixtures", () => {
  it("every conformance case passes", async () => {
    const loaded = loadFixtures([FIXTURES]);
    const summary = await runFixtures(loaded, new PluginRegistry([sparkpost]));
    expect(summary.cases.filter((c) => !c.passed)).toEqual([]);
    expect(summary.passed).toBe(loaded.length);
  });

  it("covers every documented event type with a fixture", () => {
    const covered = new Set<string>();
    for (const loaded of loadFixtures([FIXTURES])) {
      if (!loaded.ok || !("body" in loaded.fixture.request) || !Array.isArray(loaded.fixture.request.body)) continue;
      for (const item of loaded.fixture.request.body) {
        const name = sparkpost.eventName(item, { headers: {}, receivedAt: new Date(0) });
        if (name !== undefined) covered.add(name);
      }
    }
    expect(sparkpost.events.filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe("sparkpost verification", () => {
  const body = JSON.stringify([{ msys: { message_event: { type: "delivery", event_id: "1", timestamp: "1460989507" } } }]);
  const run = (credentials: unknown, headers: Record<string, string> = {}) => {
    const parsed = parseCredentials(sparkpost, credentials);
    if (!parsed.ok) throw new Error(parsed.message);
    return normalize(sparkpost, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), { credentials: parsed.credentials });
  };

  it("without credentials nothing is verified, so the host accepts only API-key calls", () => {
    expect(run(undefined)).toMatchObject({ ok: true, verified: false });
    expect(run({})).toMatchObject({ ok: true, verified: false });
    // An Authorization header proves nothing when no pair is configured.
    expect(run(undefined, { authorization: basicAuthHeader("a", "b") })).toMatchObject({ ok: true, verified: false });
  });

  it("a configured pair must be presented", () => {
    const credentials = { username: "sparkpost", password: "hook-secret-1" };
    expect(run(credentials, { authorization: basicAuthHeader("sparkpost", "hook-secret-1") })).toMatchObject({ ok: true, verified: true });
    expect(run(credentials, { authorization: basicAuthHeader("sparkpost", "hook-secret-1x") })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(credentials, { authorization: basicAuthHeader("Sparkpost", "hook-secret-1") })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(credentials)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("a single username pairs with each listed password during a password rotation", () => {
    const credentials = { username: "sparkpost", password: ["old-secret", "new-secret"] };
    for (const password of ["old-secret", "new-secret"]) {
      expect(run(credentials, { authorization: basicAuthHeader("sparkpost", password) })).toMatchObject({ ok: true, verified: true });
    }
    expect(run(credentials, { authorization: basicAuthHeader("sparkpost", "retired-secret") })).toMatchObject({ ok: false });
  });

  it("refuses a username without a password, and credential fields it does not know", () => {
    expect(parseCredentials(sparkpost, { username: "sparkpost" }).ok).toBe(false);
    expect(parseCredentials(sparkpost, { username: "sparkpost", password: "p", signingKey: "k" }).ok).toBe(false);
  });
});
