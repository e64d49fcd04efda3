import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/index.js";
import { EVERLYTIC, EVERLYTIC_BASIC, everlyticPayload, feedIds, startTestServer, TEST_CONFIG, type TestServer } from "../helpers.js";
import { CLI, startReceiverProcess, writeConfig } from "./processes.js";

const AUTH = { authorization: EVERLYTIC_BASIC };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const post = (server: { url: string }, id: string, padding = 0) =>
  fetch(server.url + EVERLYTIC, {
    method: "POST",
    body: JSON.stringify({ ...everlyticPayload(id), ...(padding > 0 ? { padding: "x".repeat(padding) } : {}) }),
    headers: { "content-type": "application/json", ...AUTH },
  });

const health = async (server: { url: string }) => (await fetch(`${server.url}/health`)).status;

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).not.toBeNull();
  expect(await response.json()).toMatchObject({ code: "storage_unavailable" });
}

/** What a receiver that should refuse to start said, or "it started" (and it is stopped again). */
function startOutcome(...args: Parameters<typeof startReceiverProcess>): Promise<string> {
  return startReceiverProcess(...args).then(
    async (receiver) => {
      await receiver.stop();
      return "it started";
    },
    (error: Error) => error.message,
  );
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe("storage faults: SQLite files deleted or moved under a running receiver", () => {
  it("answers 503 and /health 503 while its directory is replaced, and resumes when the directory is put back", async () => {
    const server = await startTestServer();
    try {
      expect((await post(server, "kept")).status).toBe(200);
      const away = `${server.dir}-away`;
      renameSync(server.dir, away);
      mkdirSync(server.dir);
      try {
        for (const response of await Promise.all(Array.from({ length: 20 }, (_, i) => post(server, `during-${i}`)))) await expectUnavailable(response);
        expect(await health(server)).toBe(503);
        await expectUnavailable(await fetch(`${server.url}${EVERLYTIC}/events`, { headers: { authorization: "ApiKey env-a-api-key-0123456789" } }));
        // Nothing was created in the empty directory that took the database's place.
        expect(readdirSync(server.dir)).toEqual([]);
      } finally {
        rmSync(server.dir, { recursive: true, force: true });
        renameSync(away, server.dir);
      }
      expect(await health(server)).toBe(200);
      // A provider's retry of a request answered 503 is stored once, whatever reached the moved file.
      expect((await post(server, "during-0")).status).toBe(200);
      expect((await post(server, "after")).status).toBe(200);
      const ids = await feedIds(server.url);
      expect(ids.length).toBe(new Set(ids).size);
      expect(ids).toEqual(expect.arrayContaining(["kept", "during-0", "after"]));
    } finally {
      await server.stop();
      rmSync(server.dir, { recursive: true, force: true });
    }
  });

  it("answers 503 once its files are deleted, and a restart refuses to create an empty database unless asked to", async () => {
    const dir = tempDir("tidings-deleted-");
    const config = writeConfig(dir, TEST_CONFIG);
    const database = join(dir, "data", "tidings.db");
    const first = await startReceiverProcess(config, database);
    try {
      expect((await post(first, "before")).status).toBe(200);
      for (const name of readdirSync(dirname(database))) unlinkSync(join(dirname(database), name));
      for (let i = 0; i < 5; i++) await expectUnavailable(await post(first, `gone-${i}`));
      expect(await health(first)).toBe(503);
    } finally {
      await first.stop();
    }
    expect(await startOutcome(config, database, { create: false })).toMatch(/tidings\.db does not exist[\s\S]*--create-db/);
    expect(existsSync(database)).toBe(false);
  });
});

/** Why a tmpfs cannot be mounted here, or undefined when it can (root on Linux, mount permitted). */
function tmpfsUnavailable(): string | undefined {
  if (process.platform !== "linux") return "a tmpfs mount needs Linux";
  if (process.getuid?.() !== 0) return "mounting a tmpfs needs root";
  const dir = tempDir("tidings-tmpfs-probe-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "pipe" });
    execFileSync("umount", [dir], { stdio: "pipe" });
    return undefined;
  } catch (thrown) {
    return `mount -t tmpfs failed: ${String((thrown as { stderr?: Buffer }).stderr ?? thrown).trim()}`;
  }
}

const NO_TMPFS = tmpfsUnavailable();

/** Writes to `path` until the file system is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (thrown) {
    if ((thrown as { code?: string }).code !== "ENOSPC") throw thrown;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(NO_TMPFS !== undefined)(`storage faults: SQLite on a full disk${NO_TMPFS === undefined ? "" : ` (skipped: ${NO_TMPFS})`}`, () => {
  it("answers 503 and /health 503 while the disk is full, and 200 again once space returns, without a restart", async () => {
    const dir = tempDir("tidings-full-");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir]);
    let server: TestServer | undefined;
    try {
      server = await startTestServer({ dir });
      const acknowledged: string[] = [];
      for (let i = 0; i < 5; i++) {
        expect((await post(server, `roomy-${i}`, 16 * 1024)).status).toBe(200);
        acknowledged.push(`roomy-${i}`);
      }
      fillDisk(join(dir, "filler"));
      // Before any request fails: the probe's one small write may still fit, the free space does not.
      expect(await health(server)).toBe(503);
      const statuses = new Set<number>();
      for (let i = 0; i < 400 && !statuses.has(503); i++) {
        const response = await post(server, `full-${i}`, 16 * 1024);
        statuses.add(response.status);
        if (response.status === 200) acknowledged.push(`full-${i}`);
        else await expectUnavailable(response);
      }
      expect(statuses).toContain(503);
      expect(await health(server)).toBe(503);
      // Still out of the pool a moment later: the answer is not the luck of one probe.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await health(server)).toBe(503);

      unlinkSync(join(dir, "filler"));
      expect(await eventually(async () => (await health(server!)) === 200)).toBe(true);
      expect((await post(server, "after", 16 * 1024)).status).toBe(200);
      acknowledged.push("after");
      const stored = await feedIds(server.url);
      expect(stored.length).toBe(new Set(stored).size);
      expect(acknowledged.filter((id) => !stored.includes(id))).toEqual([]);
    } finally {
      await server?.stop();
      execFileSync("umount", ["-l", dir]);
    }
  });
});

const AS_ROOT = process.getuid?.() === 0;

/** Root writes whatever a file's mode says, so as root the receiver runs as `nobody`, when nobody can run this checkout. */
function nobodyUnavailable(): string | undefined {
  if (!AS_ROOT) return undefined;
  try {
    execFileSync("runuser", ["-u", "nobody", "--", process.execPath, CLI, "help"], { stdio: "pipe" });
    return undefined;
  } catch {
    return "as root a file mode does not bind, and the user nobody cannot run this checkout in its place";
  }
}

const NO_NOBODY = nobodyUnavailable();

describe.skipIf(NO_NOBODY !== undefined)(`storage faults: a SQLite database the receiver cannot write${NO_NOBODY === undefined ? "" : ` (skipped: ${NO_NOBODY})`}`, () => {
  it("is refused at start with the reason, instead of accepting requests it cannot store", async () => {
    const dir = tempDir("tidings-readonly-");
    const config = writeConfig(dir, TEST_CONFIG);
    const database = join(dir, "tidings.db");
    await new SqliteStore(database).close();
    if (AS_ROOT) {
      // nobody owns the directory (it may create the WAL files) and the lock, but not the database file.
      const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "nobody"], { encoding: "utf8" })));
      chmodSync(dir, 0o755);
      for (const path of [dir, `${database}.lock`, config]) chownSync(path, uid!, gid!);
    }
    chmodSync(database, 0o444);
    expect(await startOutcome(config, database, AS_ROOT ? { user: "nobody" } : {})).toMatch(/cannot write[\s\S]*tidings\.db[\s\S]*readonly/);
  });
});
