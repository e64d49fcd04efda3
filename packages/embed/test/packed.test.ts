import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY, publicKey, signedHeaders, tampered } from "./sendgrid.js";

/**
 * What an embedder gets: every package packed as it would be published, installed with plain npm
 * from those tarballs into an app outside the workspace, then used from ESM, CommonJS and tsc.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TARBALLS = join(ROOT, "tarballs");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
let app: string;

const run = (command: string, args: readonly string[], cwd = app) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe" });

/** The package.json inside a tarball, and the files it holds. */
function tarball(file: string): { manifest: Record<string, unknown>; files: Set<string> } {
  const path = join(TARBALLS, file);
  const manifest = JSON.parse(run("tar", ["-xzOf", path, "package/package.json"], ROOT)) as Record<string, unknown>;
  const files = new Set(run("tar", ["-tzf", path], ROOT).split("\n").filter(Boolean).map((name) => name.replace(/^package\//, "")));
  return { manifest, files };
}

/** Every file an exports map points at (conditions and subpaths, patterns left out). */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return value.includes("*") ? [] : [value.replace(/^\.\//, "")];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "@tidings/source" ? [] : exportTargets(inner)));
}

beforeAll(() => {
  run(process.execPath, [join(ROOT, "scripts/pack-all.mjs")], ROOT);
  app = mkdtempSync(join(tmpdir(), "tidings-embedder-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "embedder", private: true, type: "module" }));
  const wanted = readdirSync(TARBALLS).filter((file) => /^tidings-(core|embed|everlytic|simulator|plugin-.*)-\d/.test(file));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...wanted.map((file) => join(TARBALLS, file)), "zod@^4", "@types/node@^20.19"]);
  writeFileSync(join(app, "requests.json"), JSON.stringify({ publicKey, signed: { headers: signedHeaders(BODY), body: BODY }, tampered: tampered() }));
}, 240_000);

afterAll(() => {
  if (app !== undefined) rmSync(app, { recursive: true, force: true });
});

describe("packed packages", () => {
  it("every publishable package ships dist, types, README, LICENSE and engines, with real dependency ranges", () => {
    const files = readdirSync(TARBALLS).filter((file) => file.endsWith(".tgz"));
    expect(files.length).toBeGreaterThanOrEqual(33);
    for (const file of files) {
      const { manifest, files: contents } = tarball(file);
      expect(manifest.engines, file).toEqual({ node: ">=20.19" });
      for (const required of ["README.md", "LICENSE", "package.json"]) expect(contents.has(required), `${file} ${required}`).toBe(true);
      for (const target of exportTargets(manifest.exports)) expect(contents.has(target), `${file} ${target}`).toBe(true);
      for (const target of Object.values((manifest.bin ?? {}) as Record<string, string>)) expect(contents.has(target.replace(/^\.\//, "")), `${file} bin`).toBe(true);
      // The console's package is built assets only: every package with code to import ships types.
      const code = Object.keys((manifest.exports ?? {}) as Record<string, unknown>).some((entry) => entry !== "./package.json");
      if (code) expect([...contents].some((name) => name.startsWith("dist/") && name.endsWith(".d.ts")), `${file} types`).toBe(true);
      else expect([...contents].some((name) => name.startsWith("dist/")), `${file} dist`).toBe(true);
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
        for (const [name, spec] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
          expect(spec, `${file} ${field}.${name}`).toMatch(/^[\^~]?\d/);
        }
      }
    }
    expect(tarball("tidings-core-0.1.0.tgz").manifest.peerDependencies).toEqual({ zod: "^4.0.0" });
  });

  it("an ESM service on node:http verifies a signed SendGrid batch and refuses a tampered one", () => {
    writeFileSync(
      join(app, "service.mjs"),
      `import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createNormalizer } from "@tidings/core";
import { nodeHandler } from "@tidings/embed/node";
import { sendgrid } from "@tidings/plugin-sendgrid";

const requests = JSON.parse(readFileSync("requests.json", "utf8"));
const stored = [];
const normalizer = createNormalizer({ plugin: sendgrid, credentials: { publicKey: requests.publicKey } });
const server = createServer(nodeHandler(normalizer, { onEvents: (n) => void stored.push(n.results.length, n.ignored.length) })).listen(0, "127.0.0.1");
await once(server, "listening");
const url = "http://127.0.0.1:" + server.address().port + "/webhooks/sendgrid";
const answers = [];
for (const { headers, body } of [requests.signed, requests.tampered]) {
  const response = await fetch(url, { method: "POST", headers, body });
  answers.push({ status: response.status, body: await response.json() });
}
server.close();
console.log(JSON.stringify({ answers, stored }));
`,
    );
    const { answers, stored } = JSON.parse(run(process.execPath, ["service.mjs"])) as { answers: { status: number; body: unknown }[]; stored: number[] };
    expect(answers[0]).toEqual({ status: 200, body: [{ id: "sg-1", event: expect.objectContaining({ status: "delivered" }) }] });
    expect(answers[1]).toMatchObject({ status: 401, body: { code: "unauthorized" } });
    expect(stored).toEqual([1, 1]);
  }, 60_000);

  it("CommonJS require() works through Node's require(esm), and a misspelled credential fails at start", () => {
    writeFileSync(
      join(app, "check.cjs"),
      `const { readFileSync } = require("node:fs");
const { createNormalizer } = require("@tidings/core");
const { sendgrid } = require("@tidings/plugin-sendgrid");
const requests = JSON.parse(readFileSync("requests.json", "utf8"));
let startError;
try { createNormalizer({ plugin: sendgrid, credentials: { publickey: requests.publicKey } }); } catch (error) { startError = error.name + ": " + error.message; }
const normalizer = createNormalizer({ plugin: sendgrid, credentials: { publicKey: requests.publicKey } });
Promise.all([normalizer.normalize(requests.signed), normalizer.normalize(requests.tampered)]).then(([signed, bad]) =>
  console.log(JSON.stringify({ startError, signed: signed.ok && signed.verified && signed.results.length, bad: bad.ok || bad.error.code })),
);
`,
    );
    expect(JSON.parse(run(process.execPath, ["check.cjs"]))).toEqual({
      startError: expect.stringMatching(/^NormalizerConfigError: .*unexpected field "publickey"/),
      signed: 1,
      bad: "unauthorized",
    });
  });

  it("type-checks with module nodenext: credentials are typed per plugin", () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      // skipLibCheck as `tsc --init` writes it: checking zod's own declarations takes half a minute.
      JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] }, files: ["typed.ts"] }),
    );
    writeFileSync(
      join(app, "typed.ts"),
      `import { createServer } from "node:http";
import { createNormalizer, type Normalized } from "@tidings/core";
import { fetchHandler } from "@tidings/embed/fetch";
import { nodeHandler } from "@tidings/embed/node";
import { sendgrid } from "@tidings/plugin-sendgrid";
import { twilio } from "@tidings/plugin-twilio";

const normalizer = createNormalizer({ plugin: sendgrid, credentials: { publicKey: "key" } });
// @ts-expect-error a misspelled field does not compile
createNormalizer({ plugin: sendgrid, credentials: { publickey: "key" } });
// @ts-expect-error SendGrid's fields are not Twilio's
createNormalizer({ plugin: twilio, credentials: { publicKey: "key" } });
const onEvents = (normalized: Normalized): void => void normalized.results.map((result) => result.event.status);
createServer(nodeHandler(normalizer, { onEvents }));
export const POST: (request: Request) => Promise<Response> = fetchHandler(normalizer, { onEvents });
`,
    );
    expect(run(process.execPath, [TSC, "-p", "tsconfig.json"])).toBe("");
  }, 120_000);
});
