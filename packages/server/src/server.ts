import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { DependencyContainer } from "tsyringe";
import { composeServer, DEFAULT_BODY_LIMIT, SERVER_TOKENS, type CompositionOptions } from "./composition.js";
import type { ResolvedConfig } from "./config/load.js";
import { buildHttpApp } from "./http/app.js";
import type { DeliveryOperations } from "./outbound/operations.js";
import type { DeliveryWorker } from "./outbound/worker.js";
import type { Receiver } from "./receiver/receiver.js";
import type { Store } from "./store/store.js";
import { isActivityStore } from "./store/activity.js";

export { DEFAULT_BODY_LIMIT, DEFAULT_DB, SERVER_TOKENS } from "./composition.js";

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** In-flight requests get this long to finish on SIGTERM before their connections are cut. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

export interface ServerOptions extends CompositionOptions {
  readonly port?: number;
  readonly host?: string;
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

/** Composes the receiver (see composition.ts) and starts listening. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const container = await composeServer(options);
  const config = container.resolve<ResolvedConfig>(SERVER_TOKENS.Config);
  const logger = container.resolve<Logger>(SERVER_TOKENS.Logger);
  const limits = config.raw.limits ?? {};
  const bodyLimit = limits.maxBodyBytes ?? DEFAULT_BODY_LIMIT;
  warnAboutWeakIntegrations(config, logger);
  const store = container.resolve<Store>(SERVER_TOKENS.Store);
  const sessionSecret = options.sessionSecret ?? process.env.TIDINGS_SESSION_SECRET;
  if (!isActivityStore(store)) logger.warn("the store cannot answer the console's reads: /console is not served");
  const deliveries = container.resolve<DeliveryWorker | null>(SERVER_TOKENS.Deliveries);
  const app = buildHttpApp(container.resolve<Receiver>(SERVER_TOKENS.Receiver), container.resolve<DeliveryOperations>(SERVER_TOKENS.DeliveryOperations), {
    logger,
    bodyLimit,
    requestTimeoutMs: limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(isActivityStore(store)
      ? {
          console: {
            config,
            store,
            logger,
            now: container.resolve<() => Date>(SERVER_TOKENS.Now),
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
  deliveries?.start();
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
      // Attempts in flight finish and are recorded (each bounded by the delivery timeout); one cut
      // short would be sent again after its lease anyway.
      await deliveries?.stop();
      await store.close();
    },
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
