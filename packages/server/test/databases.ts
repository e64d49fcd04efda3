import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * The PostgreSQL server the tests use: TIDINGS_TEST_PG_URL, which .ci/run sets after starting one
 * on loopback (scripts/postgres.sh). In CI its absence is an error, not a reason to skip.
 */
export const PG_URL = process.env.TIDINGS_TEST_PG_URL;
if (PG_URL === undefined && process.env.CI) throw new Error("TIDINGS_TEST_PG_URL is not set: CI must run the PostgreSQL tests");
export const PG_SKIP_REASON = "TIDINGS_TEST_PG_URL is not set (start one with scripts/postgres.sh, as .ci/run does)";

/** A new, empty database on the test server; returns its URL. */
export async function freshPostgres(): Promise<string> {
  const name = `tidings_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

export function freshSqlite(): string {
  return join(mkdtempSync(join(tmpdir(), "tidings-store-")), "tidings.db");
}

/** Both engines, for suites that must hold on each; PostgreSQL only when a server is available. */
export const ENGINES: readonly { readonly name: string; readonly fresh: () => Promise<string>; readonly available: boolean }[] = [
  { name: "sqlite", fresh: async () => freshSqlite(), available: true },
  { name: "postgres", fresh: freshPostgres, available: PG_URL !== undefined },
];
