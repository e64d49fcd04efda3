import { fileURLToPath } from "node:url";
import { field, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture, type Fixture } from "@tidings/core/fixtures";
import { describe, expect, it } from "vitest";
import { brevo } from "../src/index.js";

/** The conformance cases in fixtures/brevo, run here too so a mapping change fails the unit tests. */
const folder = fileURLToPath(new URL("../../../fixtures/brevo/", import.meta.url));
const registry = new PluginRegistry([brevo]);
const loaded = loadFixtures([folder]);

/** The `event` names a fixture's body carries, one event or a batched list. */
function eventNames(fixture: Fixture): unknown[] {
  const request = fixture.request;
  let body: unknown;
  try {
    body = "rawBody" in request ? JSON.parse(request.rawBody) : request.body;
  } catch {
    return [];
  }
  return (Array.isArray(body) ? body : [body]).map((event) => field(event, "event"));
}

describe("brevo fixtures", () => {
  it("cover every documented event", () => {
    const covered = new Set(loaded.flatMap((item) => (item.ok ? eventNames(item.fixture) : [])));
    expect(brevo.events.filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const item of loaded) {
    it(item.file.split("/").pop()!, async () => {
      expect((await runFixture(item, registry)).problems).toEqual([]);
    });
  }
});
