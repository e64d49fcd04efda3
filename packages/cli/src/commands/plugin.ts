import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isPluginId } from "@tidings/core";
import { scaffoldFiles } from "../scaffold/templates.js";
import { UsageError } from "../usage-error.js";

export const pluginUsage = `tidings plugin new <id> [--dir <folder>] [--name <display name>] [--core <version or file: spec>] [--testkit <version or file: spec>]

Scaffolds a plugin package (package.json, tsconfig, src with a mapping table to fill, a test that
runs the property suite, a fixtures folder with one example, a README listing documented and
assumed fields) in --dir (default: ./plugins/<id>). The folder must be empty or absent. By default
@tidings/core and @tidings/testkit are taken from this checkout (file:); pass --core ^0.1.0 (and
--testkit, which defaults to the same range) to use published ones.`;

export async function plugin(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: "string" }, name: { type: "string" }, core: { type: "string" }, testkit: { type: "string" }, help: { type: "boolean" } },
  });
  const [verb, id] = positionals;
  if (values.help || verb === undefined) {
    console.log(pluginUsage);
    return values.help ? 0 : 2;
  }
  if (verb !== "new") throw new UsageError(`unknown plugin command "${verb}"\n\n${pluginUsage}`);
  if (id === undefined || !isPluginId(id)) throw new UsageError("the plugin id must be lower-case kebab text, e.g. postmark or brevo-sms");
  const dir = resolve(values.dir ?? join("plugins", id));
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty`);
  const displayName = values.name ?? id.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ");
  const coreSpec = values.core ?? `file:${localCoreDir()}`;
  const testkitSpec = values.testkit ?? (values.core === undefined ? localTestkitSpec() : values.core);
  const files = scaffoldFiles({ id, displayName, coreSpec, testkitSpec });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  console.log(`created ${Object.keys(files).length} files in ${dir}\nnext: cd ${dir} && npm install && npm test`);
  return 0;
}

/** The folder of the @tidings/core this CLI runs with (symlinks resolved). */
function localCoreDir(): string {
  return dirname(fileURLToPath(import.meta.resolve("@tidings/core/package.json")));
}

/** The checkout's test kit, beside its core; an installed CLI has none, so the core's version range. */
function localTestkitSpec(): string {
  const coreDir = localCoreDir();
  const sibling = join(dirname(coreDir), "testkit");
  if (existsSync(join(sibling, "package.json"))) return `file:${sibling}`;
  const { version } = JSON.parse(readFileSync(join(coreDir, "package.json"), "utf8")) as { version: string };
  return `^${version}`;
}
