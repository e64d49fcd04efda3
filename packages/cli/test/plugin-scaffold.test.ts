import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { conformance } from "../src/commands/conformance.js";
import { plugin } from "../src/commands/plugin.js";
import { capture } from "./capture.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

describe("a community plugin, outside the workspace", () => {
  it(
    "scaffolds into an empty folder, installs, passes its own tests and the conformance run",
    async () => {
      const dir = join(tempDir("tidings-community-"), "acme-mail");
      expect((await capture(() => plugin(["new", "acme-mail", "--dir", dir, "--name", "Acme Mail"]))).code).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies["@tidings/core"]).toMatch(/^file:\//);
      execFileSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "pipe" });
      const test = execFileSync("npm", ["test"], { cwd: dir, stdio: "pipe", encoding: "utf8" });
      // One test per check of the shared suite (CHECK_NAMES).
      expect(test).toMatch(/Tests\s+.*8 passed/);
      const result = await capture(() => conformance(["--plugin", dir]));
      expect(result).toMatchObject({ code: 0, out: "plugins: acme-mail (contract v2)\nconformance: 1 passed, 0 failed\n" });
    },
    240_000,
  );

  it("refuses a non-empty folder and a bad id", async () => {
    const dir = tempDir("tidings-busy-");
    writeFileSync(join(dir, "x"), "");
    await expect(plugin(["new", "acme", "--dir", dir])).rejects.toThrow(/is not empty/);
    await expect(plugin(["new", "Acme_Mail", "--dir", join(dir, "sub")])).rejects.toThrow(/lower-case kebab/);
  });

  it("gives a clear error for a plugin built against another contract version", async () => {
    const dir = tempDir("tidings-future-");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "future-plugin", type: "module", exports: "./index.js" }));
    writeFileSync(join(dir, "index.js"), `export default { contractVersion: 3, id: "future", displayName: "Future" };\n`);
    await expect(conformance(["--plugin", dir])).rejects.toThrow('plugin "future" declares contractVersion 3; this core supports 1 and 2');
  });
});
