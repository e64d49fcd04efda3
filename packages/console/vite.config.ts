import { defineConfig } from "vite";

/**
 * Built into dist/ at install; the receiver serves it under /console, so every asset URL is
 * relative to that base and nothing is fetched from elsewhere (no CDN: the console works offline).
 */
export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", sourcemap: false, target: "es2022" },
});
