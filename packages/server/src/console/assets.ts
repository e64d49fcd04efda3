import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The console's built page and assets (packages/console/dist, built by its install script). */
export interface ConsoleAssets {
  readonly dir: string;
  /** index.html, or undefined when the console was not built. */
  readonly index: string | undefined;
}

export function findConsoleAssets(): ConsoleAssets {
  const dir = join(dirname(createRequire(import.meta.url).resolve("@tidings/console/package.json")), "dist");
  const index = join(dir, "index.html");
  return { dir, index: existsSync(index) ? readFileSync(index, "utf8") : undefined };
}

/**
 * The page loads only its own scripts, styles and data: a script that found its way into a stored
 * payload shown on a page could neither run nor send anything elsewhere. uPlot sets inline styles.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
