import { createHostContainer, TOKENS, type Engine } from "@tidings/core/host";
import { instanceCachingFactory, type DependencyContainer } from "tsyringe";
import type { HostServices } from "@tidings/core";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { loadConfig, type ResolvedConfig } from "./config/load.js";
import { buildHttpApp } from "./http/app.js";
import { createHostServices } from "./host/index.js";
import { createLogger } from "./logger.js";
import { Receiver } from "./receiver/receiver.js";
import { openStore } from "./store/open.js";
import type { SqliteStoreOptions } from "./store/sqlite.js";
import type { Store } from "./store/store.js";
import { isActivityStore } from "./store/activity.js";

export const SERVER_TOKENS = {
  Config: Symbol.for("tidings.server.Config"),
  Store: Symbol.for("tidings.server.Store"),
  Logger: Symbol.for("tidings.server.Logger"),
  Receiver: Symbol.for("tidings.server.Receiver"),
} as const;

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_DB = "./data/tidings.db";
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** In-flight requests get this long to finish on SIGTERM before their connections are cut. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

export interface ServerOptions {
  readonly config?: ResolvedConfig;
  /** Read when `config` is not given; default TIDINGS_CONFIG, else the demo config. */
  readonly configPath?: string;
  /** A SQLite file path or a postgres:// URL (default ./data/tidings.db). */
  readonly database?: string;
  /**
   * Create the SQLite database when there is no file at `database` (default true). `tidings serve`
   * passes false unless told to, so that a moved or deleted database is not replaced by an empty one.
   */
  readonly createDatabase?: boolean;
  readonly store?: Store;
  readonly logger?: Logger;
  readonly port?: number;
  readonly host?: string;
  readonly now?: () => Date;
  /** What plugins may ask of the host (certificates by URL); tests inject a fake. */
  readonly hostServices?: HostServices;
  /** Signs console session cookies (default TIDINGS_SESSION_SECRET, else a new random secret each start). */
  readonly sessionSecret?: string;
  /** Console sign-in attempts allowed per client address per minute (default 10). */
  readonly signInsPerMinute?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly config: ResolvedConfig;
  readonly container: DependencyContainer;
  /** Stops accepting, finishes in-flight requests, then closes storage. */
  close(): Promise<void>;
}

/** Composes the receiver (tsyringe: config, store, logger, engine, receiver) and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = options.config ?? (await loadConfig(options.configPath));
  const logger = options.logger ?? createLogger();
  const limits = config.raw.limits ?? {};
  const bodyLimit = limits.maxBodyBytes ?? DEFAULT_BODY_LIMIT;
  const hostConfig = config.raw.host ?? {};
  const hostServices =
    options.hostServices ??
    createHostServices({
      logger,
      ...(hostConfig.certificates === undefined ? {} : { certificates: hostConfig.certificates }),
      ...(hostConfig.fetchTimeoutMs === undefined ? {} : { timeoutMs: hostConfig.fetchTimeoutMs }),
    });
  const container = createHostContainer({
    hostServices,
    registry: config.registry,
    ...(options.now === undefined ? {} : { clock: { now: options.now } }),
    limits: { maxBytes: bodyLimit, ...(limits.maxDepth === undefined ? {} : { maxDepth: limits.maxDepth }) },
  });
  container.register(SERVER_TOKENS.Config, { useValue: config });
  container.register(SERVER_TOKENS.Logger, { useValue: logger });
  container.register(SERVER_TOKENS.Store, { useValue: options.store ?? (await openStore(options.database ?? DEFAULT_DB, storeOptions(config, logger, options.createDatabase ?? true))) });
  container.register(SERVER_TOKENS.Receiver, {
    useFactory: instanceCachingFactory(
      (c) =>
        new Receiver({
          config: c.resolve<ResolvedConfig>(SERVER_TOKENS.Config),
          engine: c.resolve<Engine>(TOKENS.Engine),
          store: c.resolve<Store>(SERVER_TOKENS.Store),
          logger: c.resolve<Logger>(SERVER_TOKENS.Logger),
          now: options.now ?? (() => new Date()),
          hostServices: c.resolve<HostServices>(TOKENS.HostServices),
          hostActions: hostConfig.actions ?? true,
        }),
    ),
  });

  warnAboutWeakIntegrations(config, logger);
  const store = container.resolve<Store>(SERVER_TOKENS.Store);
  const sessionSecret = options.sessionSecret ?? process.env.TIDINGS_SESSION_SECRET;
  if (!isActivityStore(store)) logger.warn("the store cannot answer the console's reads: /console is not served");
  const app = buildHttpApp(container.resolve<Receiver>(SERVER_TOKENS.Receiver), {
    logger,
    bodyLimit,
    requestTimeoutMs: limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(isActivityStore(store)
      ? {
          console: {
            config,
            store,
            logger,
            now: options.now ?? (() => new Date()),
            ...(sessionSecret === undefined || sessionSecret === "" ? {} : { sessionSecret }),
            ...(options.signInsPerMinute === undefined ? {} : { signInsPerMinute: options.signInsPerMinute }),
          },
        }
      : {}),
  });
  try {
    await app.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? DEFAULT_HOST });
  } catch (thrown) {
    await store.close();
    throw thrown;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host = options.host ?? DEFAULT_HOST;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    app,
    config,
    container,
    close: async () => {
      // fastify closes connections that are idle when close begins; one that finishes an in-flight
      // request afterwards becomes idle later and would hold the close open (keep-alive), so idle
      // connections are closed until the server is done, and all of them after a deadline.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_DEADLINE_MS);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
      }
      await store.close();
    },
  };
}

function storeOptions(config: ResolvedConfig, logger: Logger, create: boolean): SqliteStoreOptions {
  const hours = config.raw.storage?.dedupWindowHours;
  return {
    create,
    onCheckpointError: (error) => logger.warn({ err: error.message }, "the SQLite checkpoint worker failed; the writer checkpoints by itself"),
    ...(hours === undefined ? {} : { dedupWindowMs: hours * 3_600_000 }),
  };
}

function warnAboutWeakIntegrations(config: ResolvedConfig, logger: Logger): void {
  for (const integration of config.integrations.values()) {
    const where = { environmentId: integration.environmentId, integrationId: integration.id, provider: integration.plugin.id };
    if (integration.credentials !== undefined) continue;
    if (integration.allowUnverified) logger.warn(where, "integration accepts unverified provider calls (allowUnverified): anyone who knows the URL can post events");
    else logger.info(where, "integration has no provider credentials: only calls with the environment's API key are accepted");
  }
}
