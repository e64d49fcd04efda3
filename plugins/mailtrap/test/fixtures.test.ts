import { fileURLToPath } from "node:url";
import { PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { describe, expect, it } from "vitest";
import { mailtrap } from "../src/index.js";

/** The conformance cases in fixtures/mailtrap, run here too so a mapping change fails the unit tests. */
const folder = fileURLToPath(new URL("../../../fixtures/mailtrap/", import.meta.url));
const registry = new PluginRegistry([mailtrap]);
const loaded = loadFixtures([folder]);

describe("mailtrap fixtures", () => {
  it("all load", () => {
    expect(loaded.filter((item) => !item.ok)).toEqual([]);
    expect(loaded.length).toBeGreaterThanOrEqual(10);
  });

  it("cover every mapping key with a documented example", () => {
    const covered = new Set<string>();
    for (const item of loaded) {
      if (!item.ok || item.fixture.provenance !== "documented" || !("rawBody" in item.fixture.request)) continue;
      const body: unknown = JSON.parse(item.fixture.request.rawBody);
      const events = (body as { events?: unknown[] }).events ?? [body];
      for (const event of events) {
        const name = mailtrap.eventName(event, { headers: {}, receivedAt: new Date(0) });
        if (name !== undefined) covered.add(name);
      }
    }
    // A permanent bounce that is not a policy refusal has no documented example: bounce-bad-recipient.json is synthetic.
    expect(mailtrap.events.filter((name) => !covered.has(name))).toEqual(["bounce"]);
  });

  for (const item of loaded) {
    it(item.file.split("/").pop()!, async () => {
      expect((await runFixture(item, registry)).problems).toEqual([]);
    });
  }
});
