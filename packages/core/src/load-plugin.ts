import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { assertPluginShape, PluginDefinitionError, type AnyPlugin } from "./plugin.js";

/**
 * Loads community plugins by npm package name (resolved from `from`, default the working
 * directory) or by path (a folder with a package.json, or a module file). The module's default
 * export, or else its named exports, must hold one or more plugin objects.
 */
export async function loadPlugins(specifier: string, from = process.cwd()): Promise<AnyPlugin[]> {
  const entry = resolveEntry(specifier, from);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (thrown) {
    throw new PluginDefinitionError(`cannot load plugin module "${specifier}" (${entry}): ${(thrown as Error).message}`);
  }
  const candidates = module.default !== undefined ? [module.default] : Object.values(module);
  const plugins = candidates.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(looksLikePlugin);
  if (plugins.length === 0) throw new PluginDefinitionError(`"${specifier}" exports no plugin object`);
  for (const plugin of plugins) assertPluginShape(plugin);
  return plugins as AnyPlugin[];
}

function looksLikePlugin(value: unknown): boolean {
  return typeof value === "object" && value !== null && "contractVersion" in value && "id" in value;
}

function resolveEntry(specifier: string, from: string): string {
  const isPath = specifier.startsWith(".") || isAbsolute(specifier);
  const target = isPath ? resolve(from, specifier) : findPackageDir(specifier, from);
  if (!existsSync(target)) throw new PluginDefinitionError(`plugin "${specifier}" not found at ${target}`);
  return statSync(target).isDirectory() ? packageEntry(target) : target;
}

function findPackageDir(name: string, from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new PluginDefinitionError(`npm package "${name}" is not installed (looked upward from ${from})`);
  }
}

/** The ESM entry a package declares: exports["."] (import/default conditions), then main, then index.js. */
function packageEntry(dir: string): string {
  const manifestPath = join(dir, "package.json");
  if (!existsSync(manifestPath)) return join(dir, "index.js");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports?: unknown; main?: string };
  const fromExports = pickExport(manifest.exports);
  return join(dir, fromExports ?? manifest.main ?? "index.js");
}

function pickExport(exportsField: unknown): string | undefined {
  if (typeof exportsField === "string") return exportsField;
  if (exportsField === null || typeof exportsField !== "object") return undefined;
  const record = exportsField as Record<string, unknown>;
  const root = Object.hasOwn(record, ".") ? record["."] : record;
  if (typeof root === "string") return root;
  if (root === null || typeof root !== "object") return undefined;
  const conditions = root as Record<string, unknown>;
  for (const condition of ["import", "node", "default"]) {
    const value = conditions[condition];
    if (typeof value === "string") return value;
    const nested = pickExport(value);
    if (nested !== undefined) return nested;
  }
  return undefined;
}
