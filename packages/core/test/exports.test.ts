import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SERVER_DIR = fileURLToPath(new URL("../../server/", import.meta.url));

/** Resolves a specifier the way Node does for a package that depends on @tidings/core. */
function resolveFrom(specifier: string): string {
  try {
    return execFileSync(process.execPath, ["--input-type=module", "-e", `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], {
      cwd: SERVER_DIR,
      encoding: "utf8",
      stdio: "pipe",
    }).trim();
  } catch (thrown) {
    return String((thrown as { stderr?: string }).stderr);
  }
}

describe("@tidings/core's public surface (exports map)", () => {
  it.each(["@tidings/core", "@tidings/core/fixtures", "@tidings/core/host", "@tidings/core/schemas", "@tidings/core/schemas/event-body.schema.json"])("exposes %s", (specifier) => {
    expect(resolveFrom(specifier)).toMatch(/^file:\/\//);
  });

  it.each(["@tidings/core/dist/engine.js", "@tidings/core/src/engine.ts", "@tidings/core/dist/decode/form.js", "@tidings/core/testkit"])("keeps %s private", (specifier) => {
    expect(resolveFrom(specifier)).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});
