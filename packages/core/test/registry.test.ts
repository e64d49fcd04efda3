import { describe, expect, it } from "vitest";
import { PluginDefinitionError, PluginRegistry, UnknownPluginError } from "../src/index.js";
import { samplePlugin, samplePluginWith } from "./sample-plugin.js";

describe("PluginRegistry", () => {
  it("resolves registered plugins by id", () => {
    const registry = new PluginRegistry([samplePlugin]);
    expect(registry.get("sample")).toBe(samplePlugin);
    expect(registry.ids()).toEqual(["sample"]);
    expect(() => registry.get("nope")).toThrow(UnknownPluginError);
  });

  it("refuses a contract version it does not know, with a typed error", () => {
    const future = { ...samplePlugin, contractVersion: 3 };
    expect(() => new PluginRegistry().register(future)).toThrow(PluginDefinitionError);
    expect(() => new PluginRegistry().register(future)).toThrow(/contractVersion 3; this core supports 1 and 2/);
  });

  it("refuses mappings that are not total or name unknown statuses", () => {
    expect(() => new PluginRegistry().register(samplePluginWith({ mapping: { sent: "sent" } as never }))).toThrow(/no entry for "delivered"/);
    expect(() => new PluginRegistry().register(samplePluginWith({ mapping: { ...samplePlugin.mapping, sent: "resubscribed" } as never }))).toThrow(
      /neither a status nor ignore/,
    );
    expect(() => new PluginRegistry().register(samplePluginWith({ mapping: { ...samplePlugin.mapping, extra: "sent" } as never }))).toThrow(
      /events does not list/,
    );
  });

  it("refuses two different plugins with one id", () => {
    const registry = new PluginRegistry([samplePlugin]);
    expect(() => registry.register(samplePluginWith({ displayName: "Impostor" }))).toThrow(/two different plugins/);
  });
});
