import { existsSync } from "node:fs";

/** Where Debian and other distributions put Chromium; CHROMIUM_PATH names another. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/**
 * The Chromium the browser test drives (no browser is downloaded). Without one the test is
 * skipped with this reason, except in CI (env CI set), where a missing Chromium fails it.
 */
export function findChromium(): { path: string } | { missing: string } {
  const named = process.env.CHROMIUM_PATH;
  if (named !== undefined && named !== "") return existsSync(named) ? { path: named } : { missing: `CHROMIUM_PATH=${named} does not exist` };
  const found = CANDIDATES.find((path) => existsSync(path));
  return found === undefined ? { missing: `no Chromium at ${CANDIDATES.join(", ")} (apt-get install chromium, or set CHROMIUM_PATH)` } : { path: found };
}
