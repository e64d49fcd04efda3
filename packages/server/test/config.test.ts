import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkConfigShape } from "../src/config/load.js";
import { BUILTIN_PLUGINS, configJsonSchema, ConfigError, DEMO_CONFIG_PATH, loadConfig, resolveConfig } from "../src/index.js";
import { TEST_CONFIG } from "./helpers.js";

describe("configuration", () => {
  it("schemas/config.schema.json matches the zod schema (run gen:schemas after changing it)", () => {
    const committed = JSON.parse(readFileSync(new URL("../schemas/config.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(configJsonSchema());
  });

  it("accepts the configuration example in the README", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
    const example = /```json\n(\{\n  "environments"[\s\S]*?)\n```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(() => checkConfigShape(JSON.parse(example!), "README.md")).not.toThrow();
  });

  it("loads the demo config, which has an integration for every built-in provider", async () => {
    const config = await loadConfig(DEMO_CONFIG_PATH);
    expect([...config.integrations.keys()].slice(0, 3)).toEqual(["demo/everlytic", "demo/everlytic-legacy", "demo/sendgrid"]);
    const providers = [...config.integrations.values()].map((integration) => integration.plugin.id).sort();
    expect(providers).toEqual(BUILTIN_PLUGINS.map((plugin) => plugin.id).sort());
  });

  it.each([
    ["a missing field", { integrations: [] }, /\/: must have required property 'environments'/],
    ["an unknown field", { ...TEST_CONFIG, extra: 1 }, /must NOT have additional properties \(extra\)/],
    ["a short API key", { environments: [{ id: "e", apiKeys: ["short"] }], integrations: [] }, /\/environments\/0\/apiKeys\/0: must NOT have fewer than 16 characters/],
    ["a bad id", { environments: [{ id: "../etc", apiKeys: ["0123456789abcdef"] }], integrations: [] }, /\/environments\/0\/id: must match pattern/],
    ["a de-duplication window under an hour", { ...TEST_CONFIG, storage: { dedupWindowHours: 0 } }, /\/storage\/dedupWindowHours: must be >= 1/],
  ])("points at the bad path for %s", async (_, document, message) => {
    await expect(resolveConfig(document, "cfg.json")).rejects.toThrow(message);
  });

  const SUBSCRIPTION = { id: "app", environmentId: "env-a", url: "https://app.example.com/hooks", secret: `whsec_${Buffer.alloc(32, 1).toString("base64")}` };
  it.each([
    ["loopback without allowPrivateNetwork", { url: "http://127.0.0.1:9000/hooks" }, /\/subscriptions\/0\/url: http:\/\/127\.0\.0\.1:9000 is the address 127\.0\.0\.1, which is not public .*"allowPrivateNetwork": true/],
    ["a private IPv6 address", { url: "https://[fd00::1]/hooks" }, /\/subscriptions\/0\/url: .*fd00::1, which is not public/],
    ["localhost", { url: "https://localhost/hooks" }, /\/subscriptions\/0\/url: .*localhost, which is loopback/],
    ["plain http to a public host", { url: "http://app.example.com/hooks" }, /\/subscriptions\/0\/url: http:\/\/app\.example\.com is plain http/],
    ["a secret of 16 bytes", { secret: `whsec_${Buffer.alloc(16, 1).toString("base64")}` }, /\/subscriptions\/0\/secret: the secret holds 16 bytes/],
    ["an unknown environment", { environmentId: "zzz" }, /\/subscriptions\/0\/environmentId: no environment "zzz"/],
    ["an integration of another environment", { integrations: ["legacy", "nope"] }, /\/subscriptions\/0\/integrations: no integration "nope" in environment "env-a"/],
  ])("refuses a subscription at start: %s", async (_, override, message) => {
    const document = { ...TEST_CONFIG, subscriptions: [{ ...SUBSCRIPTION, ...override }] };
    await expect(resolveConfig(document, "cfg.json")).rejects.toThrow(ConfigError);
    await expect(resolveConfig(document, "cfg.json")).rejects.toThrow(message);
  });

  it("accepts a private address with allowPrivateNetwork, and fills in the default retry schedule", async () => {
    const config = await resolveConfig({ ...TEST_CONFIG, subscriptions: [{ ...SUBSCRIPTION, url: "http://127.0.0.1:9000/hooks", allowPrivateNetwork: true }] }, "cfg.json");
    expect(config.subscriptions.map((s) => [s.url.href, s.retrySchedule])).toEqual([["http://127.0.0.1:9000/hooks", [5, 300, 1800, 7200, 18000, 36000, 36000]]]);
  });

  it.each([
    ["an unknown provider", { provider: "nope" }, /\/integrations\/0\/provider: no plugin "nope"/],
    ["credentials the plugin rejects", { provider: "everlytic-standard", credentials: { username: "u" } }, /\/integrations\/0\/credentials: not valid credentials for everlytic-standard/],
    ["an unknown environment", { environmentId: "zzz", provider: "sendgrid" }, /\/integrations\/0\/environmentId: no environment "zzz"/],
  ])("checks integrations: %s", async (_, override, message) => {
    const document = { environments: TEST_CONFIG.environments, integrations: [{ environmentId: "env-a", id: "x", ...override }] };
    await expect(resolveConfig(document, "cfg.json")).rejects.toThrow(ConfigError);
    await expect(resolveConfig(document, "cfg.json")).rejects.toThrow(message);
  });

  it.each([
    ["a pair missing its password", { username: "u" }, ["/integrations/0/credentials/password: required with username: basic auth needs both"]],
    ["a list whose first pair misses its password", [{ username: "u" }], ["/integrations/0/credentials/0/password: Invalid input: expected string, received undefined"]],
    ["a misspelled field", { user: "u", password: "p" }, ['/integrations/0/credentials: unexpected field "user"; the accepted fields are username, password', "/integrations/0/credentials/username: required with password"]],
    ["a string", "u:p", ["/integrations/0/credentials: a string is none of the accepted shapes"]],
  ])("names the credentials field at fault and the provider's shape, for %s", async (_, credentials, lines) => {
    const document = { environments: TEST_CONFIG.environments, integrations: [{ environmentId: "env-a", id: "x", provider: "everlytic-standard", credentials }] };
    const message = await resolveConfig(document, "cfg.json").then(
      () => "accepted",
      (error: Error) => error.message,
    );
    for (const line of lines) expect(message).toContain(`\n  ${line}`);
    expect(message).toContain('\n  expected: [{ "username": string, "password": string }, ...] or { "username"?: string or [string, ...], "password"?: string or [string, ...] }');
    expect(message).not.toContain("(root)");
  });

  it.each([
    ["an unquoted key", '{\n  "environments": [],\n  integrations: []\n}', /: not valid JSON at line 3, column 3: Expected double-quoted property name$/],
    ["a file that ends early", '{\n  "environments": [\n', /: not valid JSON at line 3, column 1: Unexpected end of JSON input$/],
    ["text after the document", '{}\n}', /: not valid JSON at line 2, column 1: Unexpected non-whitespace character after JSON$/],
  ])("gives the line and column of invalid JSON: %s", async (_, text, message) => {
    const path = join(mkdtempSync(join(tmpdir(), "tidings-config-")), "config.json");
    writeFileSync(path, text);
    await expect(loadConfig(path)).rejects.toThrow(ConfigError);
    await expect(loadConfig(path)).rejects.toThrow(message);
  });
});
