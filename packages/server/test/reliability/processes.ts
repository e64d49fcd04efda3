import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built CLI, as the receiver processes run it. */
export const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));

export interface ReceiverProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** True until the process exits. */
  alive(): boolean;
  /** Everything it has written to stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown, no flush. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReceiverProcessOptions {
  /** Pass --create-db, as a first start on a new SQLite file does (default: for SQLite). */
  readonly create?: boolean;
  /** Run as this user (runuser), for tests about permissions that root would bypass. */
  readonly user?: string;
}

export function writeConfig(dir: string, config: unknown): string {
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** A real receiver process (the built CLI) on a loopback port of its choosing. */
export function startReceiverProcess(configPath: string, database: string, options: ReceiverProcessOptions = {}): Promise<ReceiverProcess> {
  const args = [CLI, "serve", "--port", "0", "--config", configPath, "--db", database, ...((options.create ?? !/^postgres/.test(database)) ? ["--create-db"] : [])];
  const [command, argv] = options.user === undefined ? [process.execPath, args] : ["runuser", ["-u", options.user, "--", process.execPath, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { ...process.env, LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let listening = false;
    let running = true;
    const exited = new Promise<void>((done) =>
      child.once("exit", () => {
        running = false;
        done();
      }),
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = listening ? null : /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        listening = true;
        resolve({
          url: match[1]!,
          child,
          alive: () => running,
          output: () => output,
          kill9: async () => {
            child.kill("SIGKILL");
            await exited;
          },
          stop: async () => {
            if (running) child.kill("SIGTERM");
            await exited;
          },
        });
      }
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`receiver exited (${code}) before listening:\n${output}`)));
  });
}
