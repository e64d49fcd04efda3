import { describe, expect, it } from "vitest";
import { field, text, type Plugin } from "@tidings/core";
import { pluginChecks, testPlugin, type CheckName } from "../src/index.js";
// The core tests' sample plugin: the suite is proved against the same plugin the engine tests use.
import { SAMPLE_TOKEN, samplePlugin, samplePluginWith, sampleRequest } from "../../core/test/sample-plugin.js";

testPlugin({ plugin: samplePlugin, credentials: { token: SAMPLE_TOKEN }, requestFor: sampleRequest });

/** The names of the checks a plugin fails (each check throws on failure). */
async function failing(plugin: Plugin<string, { token: string }>): Promise<CheckName[]> {
  const names: CheckName[] = [];
  for (const check of pluginChecks({ plugin, credentials: { token: SAMPLE_TOKEN }, requestFor: sampleRequest, numRuns: 30 })) {
    await check.run().catch(() => names.push(check.name));
  }
  return names;
}

describe("the suite catches broken plugins", () => {
  it("an event-name reader that routes a documented event to another entry", async () => {
    const broken = samplePluginWith({ eventName: (raw) => (text(field(raw, "kind")) === "bounce" ? "delivered" : text(field(raw, "kind"))) });
    expect(await failing(broken)).toEqual(["documented events map to the table's status, with details that fit it"]);
  });

  it("a table without an entry for a documented name", async () => {
    const { bounce: _dropped, ...partial } = samplePlugin.mapping;
    const broken = samplePluginWith({ mapping: partial as typeof samplePlugin.mapping });
    expect(await failing(broken)).toContain("mapping is total over the documented events");
  });

  it("a lookup that lets prototype names through", async () => {
    const broken = samplePluginWith({ eventName: (raw) => (text(field(raw, "kind")) === "toString" ? "sent" : text(field(raw, "kind"))) });
    expect(await failing(broken)).toContain("unknown event names land in unmapped");
  });

  it("ids that are not deterministic", async () => {
    let n = 0;
    const broken = samplePluginWith({ read: { ...samplePlugin.read, eventId: () => `id-${n++}` } });
    expect(await failing(broken)).toContain("output is deterministic");
  });
});
