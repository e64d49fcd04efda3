import { createHostContainer, TOKENS, type Engine } from "@tidings/core/host";
import type { HostServices } from "@tidings/core";
import { instanceCachingFactory, type DependencyContainer } from "tsyringe";
import type { Logger } from "pino";
import { loadConfig, type ResolvedConfig } from "./config/load.js";
import { createHostServices } from "./host/index.js";
import { createLogger } from "./logger.js";
import { DeliveryOperations } from "./outbound/operations.js";
import { DELIVERY_DEFAULTS, DeliveryWorker, type DeliveryWorkerOptions } from "./outbound/worker.js";
import { Receiver } from "./receiver/receiver.js";
import { openStore } from "./store/open.js";
import type { SqliteStoreOptions } from "./store/sqlite/index.js";
import type { Store } from "./store/store.js";

/** The server's parts in its container; a test swaps one by registering its own under the token. */
export const SERVER_TOKENS = {
  Config: Symbol.for("tidings.server.Config"),
  Store: Symbol.for("tidings.server.Store"),
  Logger: Symbol.for("tidings.server.Logger"),
  Receiver: Symbol.for("tidings.server.Receiver"),
  /** `() => Date`: the time the receiver stamps on what it stores. */
  Now: Symbol.for("tidings.server.Now"),
  /** The DeliveryWorker, or null when no subscription is configured. */
  Deliveries: Symbol.for("tidings.server.Deliveries"),
  /** `Partial<DeliveryWorkerOptions>` merged over the worker's (tests: a send, a jitter source). */
  DeliveryOverrides: Symbol.for("tidings.server.DeliveryOverrides"),
  DeliveryOperations: Symbol.for("tidings.server.DeliveryOperations"),
} as const;

export const DEFAULT_DB = "./data/tidings.db";
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

export interface CompositionOptions {
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
  /** Shorthands for registering these parts (tests). */
  readonly store?: Store;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** What plugins may ask of the host (certificates by URL); tests inject a fake. */
  readonly hostServices?: HostServices;
  /**
   * Called with the container once every default part is registered and before any is resolved:
   * a registration made here replaces the default (any part, by its SERVER_TOKENS or core TOKENS).
   */
  readonly configure?: (container: DependencyContainer) => void;
}

/**
 * The one place the server is composed: every part (config, logger, clock, store, engine,
 * receiver, and what later parts need) is registered in one tsyringe container as a factory or a
 * value, then `configure` may replace any of them, then the parts are resolved from it. Only
 * the store is opened eagerly, when nothing replaced it, since opening it is asynchronous.
 */
export async function composeServer(options: CompositionOptions = {}): Promise<DependencyContainer> {
  const config = options.config ?? (await loadConfig(options.configPath));
  const logger = options.logger ?? createLogger();
  const limits = config.raw.limits ?? {};
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
    limits: { maxBytes: limits.maxBodyBytes ?? DEFAULT_BODY_LIMIT, ...(limits.maxDepth === undefined ? {} : { maxDepth: limits.maxDepth }) },
  });
  container.register(SERVER_TOKENS.Config, { useValue: config });
  container.register(SERVER_TOKENS.Logger, { useValue: logger });
  container.register(SERVER_TOKENS.Now, { useValue: options.now ?? (() => new Date()) });
  if (options.store !== undefined) container.register(SERVER_TOKENS.Store, { useValue: options.store });
  container.register(SERVER_TOKENS.DeliveryOverrides, { useValue: {} });
  container.register(SERVER_TOKENS.Deliveries, {
    useFactory: instanceCachingFactory((c) => {
      const { subscriptions, raw } = c.resolve<ResolvedConfig>(SERVER_TOKENS.Config);
      if (subscriptions.length === 0) return null;
      const outbox = c.resolve<Store>(SERVER_TOKENS.Store).outbox;
      if (outbox === undefined) throw new Error("subscriptions are configured, but the store keeps no delivery outbox");
      const now = c.resolve<() => Date>(SERVER_TOKENS.Now);
      return new DeliveryWorker({
        subscriptions,
        outbox,
        logger: c.resolve<Logger>(SERVER_TOKENS.Logger),
        now: () => now().getTime(),
        settings: { ...DELIVERY_DEFAULTS, ...raw.delivery },
        ...c.resolve<Partial<DeliveryWorkerOptions>>(SERVER_TOKENS.DeliveryOverrides),
      });
    }),
  });
  container.register(SERVER_TOKENS.DeliveryOperations, {
    useFactory: instanceCachingFactory(
      (c) =>
        new DeliveryOperations({
          config: c.resolve<ResolvedConfig>(SERVER_TOKENS.Config),
          store: c.resolve<Store>(SERVER_TOKENS.Store),
          logger: c.resolve<Logger>(SERVER_TOKENS.Logger),
          now: c.resolve<() => Date>(SERVER_TOKENS.Now),
          wake: () => c.resolve<DeliveryWorker | null>(SERVER_TOKENS.Deliveries)?.wake(),
        }),
    ),
  });
  container.register(SERVER_TOKENS.Receiver, {
    useFactory: instanceCachingFactory(
      (c) =>
        new Receiver({
          config: c.resolve<ResolvedConfig>(SERVER_TOKENS.Config),
          engine: c.resolve<Engine>(TOKENS.Engine),
          store: c.resolve<Store>(SERVER_TOKENS.Store),
          logger: c.resolve<Logger>(SERVER_TOKENS.Logger),
          now: c.resolve<() => Date>(SERVER_TOKENS.Now),
          hostServices: c.resolve<HostServices>(TOKENS.HostServices),
          hostActions: c.resolve<ResolvedConfig>(SERVER_TOKENS.Config).raw.host?.actions ?? true,
          ...deliveriesOf(c),
        }),
    ),
  });
  options.configure?.(container);
  if (!container.isRegistered(SERVER_TOKENS.Store)) {
    const store = await openStore(options.database ?? DEFAULT_DB, storeOptions(config, logger, options.createDatabase ?? true));
    container.register(SERVER_TOKENS.Store, { useValue: store });
  }
  return container;
}

/** The worker as the receiver sees it, when there is one. */
function deliveriesOf(c: DependencyContainer): { deliveries?: DeliveryWorker } {
  const worker = c.resolve<DeliveryWorker | null>(SERVER_TOKENS.Deliveries);
  return worker === null ? {} : { deliveries: worker };
}

function storeOptions(config: ResolvedConfig, logger: Logger, create: boolean): SqliteStoreOptions {
  const hours = config.raw.storage?.dedupWindowHours;
  return {
    create,
    onCheckpointError: (error) => logger.warn({ err: error.message }, "the SQLite checkpoint worker failed; the writer checkpoints by itself"),
    ...(hours === undefined ? {} : { dedupWindowMs: hours * 3_600_000 }),
  };
}
