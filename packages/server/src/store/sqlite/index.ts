/** The SQLite store, by concern: file.ts (opening, lock, pragmas), schema.ts, dedup.ts, writes.ts, results.ts (row spans), feed.ts. */
export { SqliteStore, type SqliteStoreOptions } from "./store.js";
export { SQLITE_TIMELINE, sqliteFilteredFeed } from "./feed.js";
