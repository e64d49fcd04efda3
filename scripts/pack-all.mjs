// `pnpm pack:all`: every publishable package, built, into tarballs/ at the root. Packing goes
// through pnpm, which writes `workspace:^` dependencies as real version ranges; each package's
// prepack (`tsc -b`) builds its dist, so a fresh clone packs complete packages.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const destination = join(root, "tarballs");
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination);

// Run by pnpm, npm_execpath is pnpm itself; otherwise the version the project pins.
const execPath = process.env.npm_execpath ?? "";
const [command, prefix] = /pnpm/.test(execPath) ? [process.execPath, [execPath]] : ["npx", ["-y", "pnpm@10.20.0"]];
// The publishable packages: the root and bench are private.
execFileSync(command, [...prefix, "--recursive", "--filter", "./packages/*", "--filter", "./plugins/*", "pack", "--pack-destination", destination], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
console.log(readdirSync(destination).sort().join("\n"));
