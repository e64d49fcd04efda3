import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("../../../../scripts/postgres.sh", import.meta.url));

/**
 * A PostgreSQL server of the test's own (scripts/postgres.sh on a free port), for tests that
 * restart the server: the shared one (TIDINGS_TEST_PG_URL) is never stopped under other tests.
 */
export interface PrivatePostgres {
  /** The superuser's URL for database `name`. */
  url(name?: string): string;
  /** A new, empty database; returns its URL. */
  freshDatabase(): Promise<string>;
  /** Terminates every backend connected to `database` (pg_terminate_backend, SQLSTATE 57P01). */
  terminateBackends(database: string): Promise<number>;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when this resolves. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-pg-"));
  const port = await freePort();
  await run("bash", [SCRIPT, "start", dir, String(port)]);
  const url = (name = "postgres") => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  let databases = 0;
  return {
    url,
    freshDatabase: async () => {
      const name = `tidings_private_${databases++}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      return url(name);
    },
    terminateBackends: (database) =>
      admin(async (client) => {
        const { rowCount } = await client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [new URL(database).pathname.slice(1)],
        );
        return rowCount ?? 0;
      }),
    // The options it was started with are kept in postmaster.opts, which restart reuses; the log
    // goes to a file and the output nowhere, or the server would hold this process's pipes open.
    restart: () => detached(...asPostgres(join(pgBin(), "pg_ctl"), ["-D", dir, "-l", join(dir, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"])),
    stop: async () => {
      await run("bash", [SCRIPT, "stop", dir]);
    },
  };
}

/** The newest installed server's binaries, as scripts/postgres.sh finds them. */
function pgBin(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  return join("/usr/lib/postgresql", versions.at(-1)!, "bin");
}

/** PostgreSQL refuses to run as root; scripts/postgres.sh gives its data directory to `postgres`. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

/** Runs a command with no pipes to it (a server it starts would keep them open) and waits for it. */
function detached(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
