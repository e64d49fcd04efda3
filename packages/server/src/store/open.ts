import { resolve } from "node:path";
import { PostgresStore } from "./postgres/index.js";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite/index.js";
import type { Store } from "./store.js";

/**
 * TIDINGS_DB: a `postgres://` (or `postgresql://`) URL, or a SQLite file path. PostgreSQL creates
 * its tables in the database the URL names; a missing SQLite file is created unless `sqlite.create` is false.
 */
export async function openStore(database: string, sqlite: SqliteStoreOptions = {}): Promise<Store> {
  if (/^postgres(?:ql)?:\/\//.test(database)) return PostgresStore.open(database);
  return new SqliteStore(resolve(database), sqlite);
}
