import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parseCredentials, type AnyPlugin } from "@tidings/core";
import { loadPlugins, PluginRegistry } from "@tidings/core/host";
import { BUILTIN_PLUGINS } from "../builtin-plugins.js";
import { credentialsProblems } from "./credentials-problems.js";
import { configJsonSchema, type Config, type EnvironmentConfig } from "./schema.js";
import { resolveSubscriptions, type ResolvedSubscription } from "./subscriptions.js";

/** The demo configuration that `pnpm start` uses when TIDINGS_CONFIG is not set. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL("../../config/demo.json", import.meta.url));

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface ResolvedIntegration {
  readonly environmentId: string;
  readonly id: string;
  readonly plugin: AnyPlugin;
  readonly credentials: unknown;
  readonly allowUnverified: boolean;
  /** The metadata key holding the sender's own message id, when configured. */
  readonly correlationKey: string | undefined;
  /** What the POST answer's `id` is: the event id, or the message's (Novu's semantics). */
  readonly responseId: "event" | "message";
}

/** A checked configuration: every integration bound to a loaded plugin with parsed credentials. */
export interface ResolvedConfig {
  readonly source: string;
  readonly raw: Config;
  readonly environments: ReadonlyMap<string, EnvironmentConfig>;
  /** Keyed by `${environmentId}/${integrationId}`. */
  readonly integrations: ReadonlyMap<string, ResolvedIntegration>;
  readonly registry: PluginRegistry;
  readonly subscriptions: readonly ResolvedSubscription[];
}

export function integrationKey(environmentId: string, integrationId: string): string {
  return `${environmentId}/${integrationId}`;
}

let validateConfig: ReturnType<Ajv2020["compile"]> | undefined;

/** Validates a parsed config document against the published JSON Schema; errors name the bad path. */
export function checkConfigShape(document: unknown, source: string): Config {
  validateConfig ??= new Ajv2020({ allErrors: true, strict: true }).compile(configJsonSchema());
  if (!validateConfig(document)) {
    const problems = (validateConfig.errors ?? []).map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : "";
      return `  ${e.instancePath || "/"}: ${e.message ?? "is invalid"}${extra}`;
    });
    throw new ConfigError(`${source} is not a valid Tidings config:\n${problems.join("\n")}`);
  }
  return document as Config;
}

export async function loadConfig(path: string = process.env.TIDINGS_CONFIG ?? DEMO_CONFIG_PATH): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (thrown) {
    throw new ConfigError(`cannot read config ${path}: ${(thrown as Error).message}`);
  }
  return resolveConfig(parseJson(text, path), path);
}

/** JSON.parse, with the line and column of a syntax error (Node 20 gives an offset only). */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const message = (thrown as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const at = offset !== undefined ? Number(offset) : /end of JSON input/.test(message) ? text.length : undefined;
    if (at === undefined) throw new ConfigError(`${path} is not valid JSON: ${message}`);
    const lines = text.slice(0, at).split("\n");
    const reason = message.replace(/ (?:in JSON )?at position \d+.*$/, "");
    throw new ConfigError(`${path}: not valid JSON at line ${lines.length}, column ${lines.at(-1)!.length + 1}: ${reason}`);
  }
}

export async function resolveConfig(document: unknown, source: string): Promise<ResolvedConfig> {
  const config = checkConfigShape(document, source);
  const registry = new PluginRegistry(BUILTIN_PLUGINS);
  const base = source.startsWith("<") ? process.cwd() : dirname(resolve(source));
  for (const specifier of config.plugins ?? []) {
    for (const plugin of await loadPlugins(specifier, base)) registry.register(plugin);
  }
  const environments = new Map<string, EnvironmentConfig>();
  for (const [i, environment] of config.environments.entries()) {
    if (environments.has(environment.id)) throw new ConfigError(`${source}: /environments/${i}/id "${environment.id}" is listed twice`);
    environments.set(environment.id, environment);
  }
  const integrations = new Map<string, ResolvedIntegration>();
  for (const [i, integration] of config.integrations.entries()) {
    const at = `${source}: /integrations/${i}`;
    if (!environments.has(integration.environmentId)) throw new ConfigError(`${at}/environmentId: no environment "${integration.environmentId}"`);
    const plugin = registry.find(integration.provider);
    if (plugin === undefined) throw new ConfigError(`${at}/provider: no plugin "${integration.provider}" (loaded: ${registry.ids().join(", ")})`);
    const credentials = parseCredentials(plugin, integration.credentials);
    if (!credentials.ok) {
      const problems = credentialsProblems(plugin, integration.credentials, `/integrations/${i}/credentials`);
      throw new ConfigError(`${at}/credentials: not valid credentials for ${plugin.id}:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    }
    const key = integrationKey(integration.environmentId, integration.id);
    if (integrations.has(key)) throw new ConfigError(`${at}/id: "${key}" is listed twice`);
    integrations.set(key, {
      environmentId: integration.environmentId,
      id: integration.id,
      plugin,
      credentials: credentials.credentials,
      allowUnverified: integration.allowUnverified ?? false,
      correlationKey: integration.correlation?.metadataKey,
      responseId: integration.responseId ?? "event",
    });
  }
  const subscriptions = resolveSubscriptions(config.subscriptions ?? [], environments, (environmentId) =>
    new Set([...integrations.values()].filter((integration) => integration.environmentId === environmentId).map((integration) => integration.id)),
  );
  if ("problem" in subscriptions) throw new ConfigError(`${source}: ${subscriptions.at}: ${subscriptions.problem}`);
  return { source, raw: config, environments, integrations, registry, subscriptions };
}
