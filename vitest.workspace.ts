import { existsSync, readdirSync } from "node:fs";
import type { TestProjectConfiguration } from "vitest/config";

/**
 * The single list of test projects: one per workspace package that has a test/ folder. Vitest 4
 * no longer reads this file by itself, so vitest.config.ts imports it as `test.projects`.
 */
const roots = ["packages", "plugins"];

const projects: TestProjectConfiguration[] = roots.flatMap((root) =>
  readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${root}/${entry.name}/test`))
    .map((entry) => ({
      extends: true,
      test: { name: entry.name, include: [`${root}/${entry.name}/test/**/*.test.ts`] },
    })),
);

export default projects;
