/** The PostgreSQL store, by concern: schema.ts, connection.ts (checkout, transactions), writes.ts, feed.ts. */
export { PostgresStore, type PostgresStoreOptions } from "./store.js";
export { POSTGRES_TIMELINE, postgresFeedQuery } from "./feed.js";
