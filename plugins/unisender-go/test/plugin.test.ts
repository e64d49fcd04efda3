import { PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { unisenderGo } from "../src/index.js";
import { eventName, splitBody } from "../src/payload.js";
import { API_KEY, NOW, OLD_API_KEY, batched, signedBody, statusEvent, unisenderRequest } from "./requests.js";

testPlugin({ plugin: unisenderGo, credentials: { signingKey: [OLD_API_KEY, API_KEY] }, now: NOW, requestFor: unisenderRequest });

const EVENT_DATA = { job_id: "1a3Q2V-0000OZ-S0", email: "recipient.email@example.com", status: "delivered", event_time: "2015-11-30 15:09:42" };
const IN_BODY = "Unisender Go signs no header: the auth digest travels in the body";
const NO_TIME = "Unisender Go's auth covers the body only, with no signed time to bound a replay";
/** Another recipient: the kind of change an attacker would make, and the digest no longer matches. */
const tamper = (request: SuiteRequest): SuiteRequest => ({ ...request, body: String(request.body).replace("recipient.email@", "someone.else@") });

describe("batched calls", () => {
  testSignatures({
    plugin: unisenderGo,
    credentials: { signingKey: API_KEY },
    wrongCredentials: { signingKey: OLD_API_KEY },
    now: NOW,
    validRequest: { contentType: "application/json", body: signedBody(batched([statusEvent(EVENT_DATA)])) },
    tamper,
    exempt: { "each signed header is required": IN_BODY, "a stale request is unauthorized": NO_TIME },
  });
});

describe("one event per call, indented", () => {
  testSignatures({
    plugin: unisenderGo,
    credentials: { signingKey: [OLD_API_KEY, API_KEY] },
    wrongCredentials: { signingKey: "a-key-that-signed-nothing-0123456789abcd" },
    now: NOW,
    validRequest: { contentType: "application/json", body: signedBody({ event_name: "transactional_email_status", user_id: 456, ...EVENT_DATA }, API_KEY, "indented") },
    tamper,
    exempt: { "each signed header is required": IN_BODY, "a stale request is unauthorized": NO_TIME },
  });
});

describe("unisender-go fixtures", () => {
  const registry = new PluginRegistry([unisenderGo]);
  const loaded = loadFixtures([new URL("../../../fixtures/unisender-go/", import.meta.url).pathname]);

  it("cover every documented event, in both layouts", () => {
    const names = new Set<string>();
    const layouts = new Set<string>();
    for (const fixture of loaded) {
      if (!fixture.ok || !("rawBody" in fixture.fixture.request)) continue;
      let body: unknown;
      try {
        body = JSON.parse(fixture.fixture.request.rawBody);
      } catch {
        continue;
      }
      layouts.add(typeof body === "object" && body !== null && "events_by_user" in body ? "batched" : "single");
      for (const raw of splitBody(body)) names.add(eventName(raw) ?? "");
    }
    expect(unisenderGo.events.filter((name) => !names.has(name))).toEqual([]);
    expect([...layouts].sort()).toEqual(["batched", "single"]);
  });

  for (const fixture of loaded) {
    it(fixture.ok ? fixture.fixture.name : fixture.file, async () => {
      const result = await runFixture(fixture, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
