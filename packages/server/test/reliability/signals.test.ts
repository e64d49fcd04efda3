import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SHUTDOWN_DEADLINE_MS, SqliteStore } from "../../src/index.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, TEST_CONFIG } from "../helpers.js";
import { writeConfig } from "./processes.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const DEPLOY = readFileSync(join(ROOT, "docs/deploy.md"), "utf8");
/** pnpm sets npm_execpath to itself for the scripts it runs (`pnpm test` included). */
const PNPM = /pnpm/.test(process.env.npm_execpath ?? "") ? process.env.npm_execpath! : undefined;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A config and an existing database in a new folder, as a restarted service finds them. */
async function installation(): Promise<{ config: string; database: string; env: NodeJS.ProcessEnv }> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-signals-"));
  dirs.push(dir);
  const config = writeConfig(dir, TEST_CONFIG);
  const database = join(dir, "tidings.db");
  await new SqliteStore(database).close();
  return { config, database, env: { ...process.env, TIDINGS_CONFIG: config, TIDINGS_DB: database, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error" } };
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited (${code}) before listening:\n${output}`)));
  });
}

/** Every process below `pid`, from the process table. */
function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0; ) {
    frontier = table.filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts `command`, posts one event, sends SIGTERM to the process started (which may be a wrapper
 * around the server) and returns how long until the server and every process under it were gone,
 * or Infinity (after killing what was left) when that took longer than the shutdown deadline.
 */
async function stopWithSigterm(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let tree: number[] = [];
  try {
    const url = await listening(child);
    const response = await fetch(url + EVERLYTIC, {
      method: "POST",
      body: JSON.stringify(everlyticPayload("before-sigterm")),
      headers: { "content-type": "application/json", authorization: EVERLYTIC_BASIC },
    });
    expect(response.status).toBe(200);
    tree = [child.pid!, ...descendants(child.pid!)];
    const sent = Date.now();
    child.kill("SIGTERM");
    while (tree.some(isRunning) && Date.now() - sent < SHUTDOWN_DEADLINE_MS) await new Promise((resolve) => setTimeout(resolve, 50));
    return tree.some(isRunning) ? Infinity : Date.now() - sent;
  } finally {
    for (const pid of tree.filter(isRunning)) process.kill(pid, "SIGKILL");
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/** The database is free again: its lock was released, as it is when the server has stopped. */
async function expectUnlocked(database: string): Promise<void> {
  const store = new SqliteStore(database);
  await store.close();
}

describe("stopping the receiver with SIGTERM", () => {
  it("the systemd unit in docs/deploy.md: ExecStart stops within the shutdown deadline", async () => {
    const workingDirectory = /^WorkingDirectory=(\S+)$/m.exec(DEPLOY)?.[1];
    const execStart = /^ExecStart=(.+)$/m.exec(DEPLOY)?.[1];
    expect(workingDirectory).toBeDefined();
    expect(execStart).toBeDefined();
    const [node, ...args] = execStart!.trim().split(/\s+/);
    expect(node).toMatch(/\/node$/);
    const local = args.map((arg) => (arg.startsWith(`${workingDirectory}/`) ? join(ROOT, arg.slice(workingDirectory!.length + 1)) : arg));
    const { database, env } = await installation();
    expect(await stopWithSigterm(process.execPath, local, env)).toBeLessThan(SHUTDOWN_DEADLINE_MS);
    await expectUnlocked(database);
  }, SHUTDOWN_DEADLINE_MS + 30_000);

  it("the container in docs/deploy.md: ENTRYPOINT stops within the shutdown deadline", async () => {
    const entrypoint = /^ENTRYPOINT (\[.+\])$/m.exec(DEPLOY)?.[1];
    expect(entrypoint).toBeDefined();
    const [node, ...args] = JSON.parse(entrypoint!) as string[];
    expect(node).toBe("node");
    const { database, env } = await installation();
    expect(await stopWithSigterm(process.execPath, args, env)).toBeLessThan(SHUTDOWN_DEADLINE_MS);
    await expectUnlocked(database);
  }, SHUTDOWN_DEADLINE_MS + 30_000);

  describe.skipIf(PNPM === undefined)(`through pnpm's scripts${PNPM === undefined ? " (skipped: not run by pnpm, which names itself in npm_execpath)" : ""}`, () => {
    it.each([["tidings serve"], ["start"]])("SIGTERM to `pnpm %s` reaches the server, which stops within the deadline", async (script) => {
      const { database, env } = await installation();
      expect(await stopWithSigterm(process.execPath, [PNPM!, ...script.split(" ")], env)).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      await expectUnlocked(database);
    }, SHUTDOWN_DEADLINE_MS + 30_000);
  });
});
