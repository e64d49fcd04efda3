import { randomInt } from "node:crypto";
import type Database from "better-sqlite3";
import { StorageUnavailableError } from "../store.js";
import { ACTIVITY_BACKFILL, createActivityTables } from "./activity.js";

/**
 * `PRAGMA user_version` of this layout: one row per request, its events stored with it, a
 * per-event index row for filtering, the console's hourly and daily roll-ups, and the delivery
 * outbox. Layouts 3 (without the per-event index) and 4 (without the roll-ups and the outbox) are
 * migrated on open.
 */
export const LAYOUT = 5;
/** A feed cursor is `seq * SLOTS + events already read from that request` (maxEvents is far below). */
export const SLOTS = 2 ** 20;

/**
 * One small row per stored result, for the feed's filters and the timeline: \`cursor\` is the
 * result's feed cursor (its request's seq * SLOTS + its index + 1), so the order is the feed's and a
 * result's full content is its request's. Results stored before layout 4 have no row here.
 */
const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  cursor INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  status TEXT NOT NULL,
  event_at INTEGER NOT NULL,
  external_id TEXT,
  correlation_id TEXT,
  recipient TEXT,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_status ON events (scope, status, cursor);
CREATE INDEX IF NOT EXISTS events_external_id ON events (scope, external_id, cursor) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_correlation_id ON events (scope, correlation_id, cursor) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_recipient ON events (scope, recipient, cursor) WHERE recipient IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_event_at ON events (scope, event_at, cursor);
`;

/**
 * The delivery outbox: one row per (subscription, event), written in the transaction of the
 * request that stored the event; each attempt kept with its answer's first 1 KiB.
 */
const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  lease_token TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (subscription_id, next_at, id) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_dead ON deliveries (id) WHERE state = 'dead';
CREATE INDEX IF NOT EXISTS deliveries_by_subscription ON deliveries (subscription_id, id);
CREATE TABLE IF NOT EXISTS delivery_attempts (
  delivery_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status_code INTEGER,
  latency_ms INTEGER NOT NULL,
  error TEXT,
  response TEXT,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS disabled_subscriptions (
  subscription_id TEXT PRIMARY KEY,
  disabled_at INTEGER NOT NULL,
  reason TEXT NOT NULL
) WITHOUT ROWID;
`;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  UNIQUE (environment_id, integration_id)
);
-- Accepted requests. Small columns first: reading them (start-up, feed) never touches a large
-- body's overflow pages.
CREATE TABLE requests (
  seq INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  results TEXT,
  kept TEXT,
  body BLOB NOT NULL
);
CREATE INDEX requests_feed ON requests (scope, seq) WHERE result_count > 0;
${EVENTS_SCHEMA}
${OUTBOX_SCHEMA}
-- The event keys (128-bit digests) each commit stored, for rebuilding the de-duplication memory at
-- start: one row per commit rather than per request, so a start reads few rows. Pruned past two
-- windows.
CREATE TABLE seen_keys (
  seq INTEGER PRIMARY KEY,
  committed_at INTEGER NOT NULL,
  keys BLOB NOT NULL
);
-- Requests refused (bad signature, malformed body, ...), kept for inspection; the oldest pruned.
CREATE TABLE rejected (
  seq INTEGER PRIMARY KEY,
  scope INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE idempotency (
  scope INTEGER NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  response TEXT,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
`;

/**
 * Creates the layout in a new database, or checks an existing one; returns the digest seed kept in
 * `meta`. A database of another layout is refused rather than misread.
 */
export function prepareLayout(db: Database.Database, path: string): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version === 0) {
    const tables = db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).pluck().get() as number;
    if (tables > 0) {
      throw new StorageUnavailableError(
        `${path} holds tables of an earlier Tidings storage layout (one row per event); start with a new database file, or keep using the version that created it`,
      );
    }
    db.transaction(() => {
      db.exec(SCHEMA);
      createActivityTables(db);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('digest_seed', ?)`).run(String(randomInt(0, 2 ** 32)));
      db.pragma(`user_version = ${LAYOUT}`);
    })();
  } else if (version === 3 || version === 4) {
    db.transaction(() => {
      if (version === 3) db.exec(EVENTS_SCHEMA);
      createActivityTables(db);
      db.exec(ACTIVITY_BACKFILL);
      db.exec(OUTBOX_SCHEMA);
      db.pragma(`user_version = ${LAYOUT}`);
    })();
  } else if (version !== LAYOUT) {
    throw new StorageUnavailableError(`${path} has storage layout ${version}; this version of Tidings reads layout ${LAYOUT}`);
  }
  return Number(db.prepare(`SELECT value FROM meta WHERE key = 'digest_seed'`).pluck().get());
}

