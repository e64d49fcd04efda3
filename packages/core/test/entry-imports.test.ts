import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** Every bare specifier the module graph from `entry` reaches through its relative imports. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+"([^"]+)";/gms)) {
      const specifier = match[1]!;
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else external.add(specifier);
    }
    for (const match of source.matchAll(/^import\s+"([^"]+)";/gm)) external.add(match[1]!);
  };
  visit(resolve(SRC, entry));
  return external;
}

describe("@tidings/core's main entry stays light", () => {
  const imports = externalImports("index.ts");

  it("reaches no file system, host wiring, test tool or zod (loaded when a schema is first used)", () => {
    for (const heavy of ["node:fs", "node:path", "node:child_process", "tsyringe", "reflect-metadata", "vitest", "fast-check", "zod"]) {
      expect(imports, heavy).not.toContain(heavy);
    }
  });

  it("sees what the fixtures entry imports (the walk is not blind)", () => {
    expect(externalImports("fixtures/index.ts")).toContain("node:fs");
    expect(externalImports("zod-schemas.ts")).toContain("zod");
    expect(imports).toContain("node:crypto");
  });
});
