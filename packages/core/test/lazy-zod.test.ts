import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CORE_DIR = fileURLToPath(new URL("../", import.meta.url));

/**
 * Runs `script` in a fresh Node process against the built core (as an embedder loads it), where
 * nothing has loaded zod yet; zod marks its loading with `globalThis.__zod_globalConfig`.
 */
function inFreshProcess(script: string): Record<string, unknown> {
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: CORE_DIR, encoding: "utf8", stdio: "pipe" });
  return JSON.parse(output) as Record<string, unknown>;
}

const PLUGIN = `
const core = await import("@tidings/core");
const zodLoaded = () => "__zod_globalConfig" in globalThis;
const plugin = core.definePlugin({
  contractVersion: 2,
  id: "example",
  displayName: "Example",
  contentTypes: ["application/json"],
  credentials: core.credentialsSchema({ signingKey: "optional", extra: (z) => ({ maxAgeSeconds: z.int().positive().optional() }) }),
  verify: () => ({ ok: true, verified: false, reason: "none configured" }),
  events: ["delivered"],
  mapping: { delivered: "delivered" },
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: (raw) => raw.event,
  read: { date: (raw) => raw.at, externalId: (raw) => raw.id },
});
const request = core.inboundRequest({ headers: { "content-type": "application/json" }, body: '[{"event":"delivered","at":1767225600,"id":"m-1"}]' });
`;

describe("zod is loaded when a schema is first used, not at import", () => {
  it("stays unloaded through import, plugin definition, normalize and a check of shared credential fields", () => {
    const seen = inFreshProcess(`${PLUGIN}
const afterImport = zodLoaded();
const outcome = core.normalize(plugin, request, { now: new Date("2026-01-01T00:00:00Z") });
const afterNormalize = zodLoaded();
const plain = core.parseCredentials(plugin, { signingKey: ["old", "new"], username: "u", password: "p" });
const afterPlain = zodLoaded();
const good = core.parseCredentials(plugin, { signingKey: "k", maxAgeSeconds: 60 });
const bad = core.parseCredentials(plugin, { signingKey: "k", maxAgeSeconds: -1 });
console.log(JSON.stringify({ afterImport, afterNormalize, results: outcome.ok ? outcome.results.length : outcome.error.code, plain: plain.ok, afterPlain, good: good.ok, bad: bad.ok, afterCheck: zodLoaded() }));`);
    expect(seen).toEqual({ afterImport: false, afterNormalize: false, results: 1, plain: true, afterPlain: false, good: true, bad: false, afterCheck: true });
  });

  it("uses the zod instance an import gives, so a plugin's schemas and the host's mix", () => {
    const seen = inFreshProcess(`${PLUGIN}
const { z } = await import("zod");
const built = core.zodSchemaOf(plugin.credentials);
const wrapped = z.object({ credentials: built });
console.log(JSON.stringify({ same: core.loadZod() === z, nested: wrapped.safeParse({ credentials: { signingKey: "k" } }).success, refused: wrapped.safeParse({ credentials: { signingKey: 1 } }).success }));`);
    expect(seen).toEqual({ same: true, nested: true, refused: false });
  });
});
