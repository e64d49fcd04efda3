import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlugins } from "../src/host/index.js";

const root = mkdtempSync(join(tmpdir(), "tidings-load-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A minimal plugin module (plain JavaScript, as a published package would ship). */
function pluginSource(id: string, contractVersion = 1): string {
  return `export const plugin = {
  contractVersion: ${contractVersion}, id: "${id}", displayName: "${id}", contentTypes: ["application/json"],
  credentials: { safeParse: (v) => ({ success: true, data: v }) },
  verify: () => ({ ok: true, verified: false, reason: "none" }),
  events: ["sent"], mapping: { sent: "sent" },
  split: (b) => [b], eventName: () => "sent", read: { date: () => 0 },
};
export const notAPlugin = 42;
`;
}

function writePackage(dir: string, name: string, exportsField: unknown, source: string, entry = "dist/main.js"): void {
  mkdirSync(join(dir, "dist"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, type: "module", exports: exportsField }));
  writeFileSync(join(dir, entry), source);
}

describe("loadPlugins", () => {
  it("loads a package folder by path, following its exports conditions", async () => {
    const dir = join(root, "by-path");
    writePackage(dir, "by-path", { ".": { types: "./dist/main.d.ts", import: "./dist/main.js" } }, pluginSource("by-path"));
    expect((await loadPlugins(dir)).map((p) => p.id)).toEqual(["by-path"]);
    expect((await loadPlugins("./by-path", root)).map((p) => p.id)).toEqual(["by-path"]);
  });

  it("loads an installed npm package by name, looking upward from the given folder", async () => {
    const project = join(root, "project");
    writePackage(join(project, "node_modules", "@acme", "tidings-postmark"), "@acme/tidings-postmark", "./dist/main.js", pluginSource("postmark"));
    mkdirSync(join(project, "config"), { recursive: true });
    expect((await loadPlugins("@acme/tidings-postmark", join(project, "config"))).map((p) => p.id)).toEqual(["postmark"]);
    await expect(loadPlugins("@acme/not-installed", join(project, "config"))).rejects.toThrow(/is not installed/);
  });

  it("loads a module file directly", async () => {
    const file = join(root, "single.mjs");
    writeFileSync(file, pluginSource("single"));
    expect((await loadPlugins(file)).map((p) => p.id)).toEqual(["single"]);
  });

  it("says so when a module exports no plugin, or one of another contract version", async () => {
    const empty = join(root, "empty.mjs");
    writeFileSync(empty, "export const x = 1;\n");
    await expect(loadPlugins(empty)).rejects.toThrow(/exports no plugin object/);
    const future = join(root, "future.mjs");
    writeFileSync(future, pluginSource("future", 3));
    await expect(loadPlugins(future)).rejects.toThrow('plugin "future" declares contractVersion 3; this core supports 1 and 2');
    await expect(loadPlugins(join(root, "missing"))).rejects.toThrow(/not found/);
  });
});
