export { BUILTIN_PLUGINS } from "./builtin-plugins.js";
export { configJsonSchema, ConfigSchema, type Config, type EnvironmentConfig, type IntegrationConfig } from "./config/schema.js";
export { ConfigError, DEMO_CONFIG_PATH, integrationKey, loadConfig, resolveConfig, type ResolvedConfig, type ResolvedIntegration } from "./config/load.js";
export { buildOpenApi } from "./openapi.js";
export { inboundPath } from "./http/routes.js";
export { ErrorBodySchema, HTTP_ERRORS, HttpErrorCodeSchema, errorBody, type ErrorBody, type HttpErrorCode } from "./receiver/errors.js";
export { Receiver } from "./receiver/receiver.js";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite/index.js";
export { PostgresStore, type PostgresStoreOptions } from "./store/postgres/index.js";
export { openStore } from "./store/open.js";
export { DatabaseNotFoundError, InvalidCursorError, StorageUnavailableError, type AcceptedRecord, type FeedPage, type IdempotencyClaim, type RejectedRecord, type Scope, type Store, type StoredRequest, type StoreOptions } from "./store/store.js";
export { composeServer, type CompositionOptions } from "./composition.js";
export { createLogger } from "./logger.js";
export { type ResolvedSubscription } from "./config/subscriptions.js";
export { sendTestDelivery, type TestDeliveryOutcome } from "./outbound/test-delivery.js";
export { DELIVERY_DEFAULTS, DeliveryWorker, type DeliveryWorkerOptions, type OutboxStatus } from "./outbound/worker.js";
export type { Outbox } from "./store/outbox.js";

export { REDACTED_PATHS, SECRET_HEADERS } from "./redaction.js";
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_DB,
  DEFAULT_HOST,
  DEFAULT_PORT,
  SERVER_TOKENS,
  SHUTDOWN_DEADLINE_MS,
  startServer,
  type RunningServer,
  type ServerOptions,
} from "./server.js";
