import { defineConfig } from "vitest/config";
import projects from "./vitest.workspace.js";

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources under test, to dist at run time.
  ssr: { resolve: { conditions: ["@tidings/source"] } },
  resolve: { conditions: ["@tidings/source"] },
  test: {
    projects,
    environment: "node",
    setupFiles: ["reflect-metadata"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
