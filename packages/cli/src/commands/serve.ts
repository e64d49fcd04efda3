import { parseArgs } from "node:util";
import {
  DatabaseNotFoundError,
  DEFAULT_DB,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEMO_CONFIG_PATH,
  inboundPath,
  loadConfig,
  SHUTDOWN_DEADLINE_MS,
  startServer,
  type RunningServer,
} from "@tidings/server";

export const serveUsage = `tidings serve [--port N] [--host H] [--db FILE] [--config FILE] [--create-db]

Starts the receiver. Defaults come from PORT (${DEFAULT_PORT}), HOST (${DEFAULT_HOST}),
TIDINGS_DB (${DEFAULT_DB}) and TIDINGS_CONFIG (the demo config). A SQLite database that does
not exist is created only with --create-db (or TIDINGS_CREATE_DB=1), on a first start; otherwise
the receiver refuses to start, as the database may have been moved or deleted. SIGTERM/SIGINT
finish in-flight requests (for up to ${SHUTDOWN_DEADLINE_MS / 1000} s), then exit.`;

/** Past the shutdown deadline, storage gets this long to close before the process exits anyway. */
const CLOSE_GRACE_MS = 10_000;

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      config: { type: "string" },
      "create-db": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(serveUsage);
    return 0;
  }
  const configPath = values.config ?? process.env.TIDINGS_CONFIG ?? DEMO_CONFIG_PATH;
  const config = await loadConfig(configPath);
  let server: RunningServer;
  try {
    server = await startServer({
      config,
      port: Number(values.port ?? process.env.PORT ?? DEFAULT_PORT),
      host: values.host ?? process.env.HOST ?? DEFAULT_HOST,
      database: values.db ?? process.env.TIDINGS_DB ?? DEFAULT_DB,
      createDatabase: values["create-db"] ?? ["1", "true"].includes(process.env.TIDINGS_CREATE_DB ?? ""),
    });
  } catch (thrown) {
    if (thrown instanceof DatabaseNotFoundError) {
      throw new Error(`${thrown.message}. Restore it, or point TIDINGS_DB at it; for a new database there, start once with --create-db (or TIDINGS_CREATE_DB=1)`);
    }
    throw thrown;
  }
  const lines = [`Tidings receiver listening on ${server.url}`, `  console: ${server.url}/console (sign in with an environment's API key)`, `  config: ${configPath}`];
  if (configPath === DEMO_CONFIG_PATH) {
    const demo = config.raw.environments[0]!;
    lines.push(`  demo environment "${demo.id}", API key: ${demo.apiKeys[0]}  (also the console's sign-in key)`);
    for (const integration of config.integrations.values()) {
      lines.push(`  POST ${server.url}${inboundPath(integration.environmentId, integration.id)}  (${integration.plugin.displayName})`);
    }
  }
  process.stderr.write(`${lines.join("\n")}\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: finishing in-flight requests\n`);
      // The server cuts requests at the deadline; should closing storage then hang, exit anyway
      // rather than hold the database (and its lock) with nothing being served.
      setTimeout(() => {
        process.stderr.write(`${signal}: storage did not close within ${(SHUTDOWN_DEADLINE_MS + CLOSE_GRACE_MS) / 1000} s; exiting\n`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS + CLOSE_GRACE_MS).unref();
      server.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
