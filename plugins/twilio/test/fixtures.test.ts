import { fileURLToPath } from "node:url";
import { PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { describe, expect, it } from "vitest";
import { twilio } from "../src/index.js";

/** The conformance cases in fixtures/twilio, run here too so a mapping change fails the unit tests. */
const folder = fileURLToPath(new URL("../../../fixtures/twilio/", import.meta.url));
const registry = new PluginRegistry([twilio]);
const loaded = loadFixtures([folder]);

/** The MessageStatus a fixture posts, as Twilio writes it in lower case. */
function postedStatus(rawBody: string): string | undefined {
  const params = new URLSearchParams(rawBody);
  return (params.get("MessageStatus") ?? params.get("SmsStatus") ?? undefined)?.toLowerCase();
}

describe("twilio fixtures", () => {
  it("cover every documented status", () => {
    const covered = new Set(loaded.flatMap((item) => (item.ok && "rawBody" in item.fixture.request ? [postedStatus(item.fixture.request.rawBody)] : [])));
    expect(twilio.events.filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const item of loaded) {
    it(item.file.split("/").pop()!, async () => {
      expect((await runFixture(item, registry)).problems).toEqual([]);
    });
  }
});
