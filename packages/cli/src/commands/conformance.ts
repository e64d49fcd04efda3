import { loadFixtures, runFixtures, type CaseResult, type ConformanceSummary } from "@tidings/core/fixtures";
import { loadPlugins, PluginRegistry } from "@tidings/core/host";
import { BUILTIN_PLUGINS } from "@tidings/server";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../usage-error.js";

const REPORTERS = ["pretty", "json", "junit"] as const;
type Reporter = (typeof REPORTERS)[number];

export const conformanceUsage = `tidings conformance [--plugin <npm package or path>]... [--reporter pretty|json|junit] [paths...]

Runs every fixture (*.json) under the paths against the plugin each one names: the built-in
plugins, plus any loaded with --plugin. Without paths: the fixtures/ folder of each --plugin
folder that has one, else ./fixtures. Exits 1 on any failing or invalid fixture.`;

export async function conformance(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { plugin: { type: "string", multiple: true }, reporter: { type: "string", default: "pretty" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(conformanceUsage);
    return 0;
  }
  const reporter = values.reporter as Reporter;
  if (!REPORTERS.includes(reporter)) throw new UsageError(`--reporter must be one of ${REPORTERS.join(", ")}`);
  const registry = new PluginRegistry(BUILTIN_PLUGINS);
  for (const specifier of values.plugin ?? []) {
    for (const plugin of await loadPlugins(specifier)) registry.register(plugin);
  }
  const summary = await runFixtures(loadFixtures(positionals.length > 0 ? positionals : defaultPaths(values.plugin ?? [])), registry);
  process.stdout.write(render[reporter](summary, contractVersions(summary, registry)));
  return summary.failed === 0 && summary.cases.length > 0 ? 0 : 1;
}

/** A plugin folder's own fixtures/ when --plugin names folders that have one; else ./fixtures. */
function defaultPaths(specifiers: readonly string[]): string[] {
  const own = specifiers.map((s) => join(s, "fixtures")).filter((path) => existsSync(path));
  return own.length > 0 ? own : ["fixtures"];
}

/** Each plugin the cases ran against, with the contract version it declares (v1 plugins still run). */
function contractVersions(summary: ConformanceSummary, registry: PluginRegistry): Record<string, number> {
  const versions: Record<string, number> = {};
  for (const id of new Set(summary.cases.map((c) => c.plugin))) {
    const plugin = registry.find(id);
    if (plugin !== undefined) versions[id] = plugin.contractVersion;
  }
  return versions;
}

const render: Record<Reporter, (summary: ConformanceSummary, versions: Record<string, number>) => string> = {
  pretty: (summary, versions) => {
    const lines = summary.cases.filter((c) => !c.passed).map(describeFailure);
    const plugins = Object.keys(versions).sort().map((id) => `${id} (contract v${versions[id]})`);
    if (plugins.length > 0) lines.push(`plugins: ${plugins.join(", ")}`);
    if (summary.cases.length === 0) lines.push("no fixtures found");
    lines.push(`conformance: ${summary.passed} passed, ${summary.failed} failed`);
    return `${lines.join("\n")}\n`;
  },
  json: (summary, versions) => `${JSON.stringify({ ...summary, contractVersions: versions }, null, 2)}\n`,
  junit: (summary) => {
    const cases = summary.cases.map((c) => {
      const open = `  <testcase classname="${xml(c.plugin)}" name="${xml(c.name)}" file="${xml(c.file)}"`;
      if (c.passed) return `${open}/>`;
      return `${open}>\n    <failure message="${xml(c.problems[0] ?? "failed")}">${xml(c.problems.join("\n"))}</failure>\n  </testcase>`;
    });
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<testsuite name="tidings conformance" tests="${summary.cases.length}" failures="${summary.failed}">`,
      ...cases,
      `</testsuite>`,
      "",
    ].join("\n");
  },
};

function describeFailure(c: CaseResult): string {
  return [`FAIL ${c.file} (${c.plugin}): ${c.name}`, ...c.problems.map((p) => `  - ${p}`)].join("\n");
}

function xml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
