/**
 * The PostgreSQL tables, created when missing at open (several instances may start at once, under
 * an advisory lock); columns added since are added with ADD COLUMN IF NOT EXISTS.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS tidings_requests (
  seq BIGSERIAL PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
  error_code TEXT,
  error_message TEXT,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  headers JSONB NOT NULL,
  body BYTEA NOT NULL,
  received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS tidings_requests_rejected ON tidings_requests (outcome, seq);
CREATE TABLE IF NOT EXISTS tidings_events (
  seq BIGSERIAL PRIMARY KEY,
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('result', 'ignored', 'unmapped')),
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  request_seq BIGINT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  UNIQUE (environment_id, integration_id, kind, id)
);
CREATE INDEX IF NOT EXISTS tidings_events_feed ON tidings_events (environment_id, integration_id, kind, seq);
-- Contract v2: each result's details, provider and correlation id, and the columns the feed's
-- filters and the timeline read, each behind an index that leads with the scope. Results stored
-- before these columns existed have them null.
ALTER TABLE tidings_events
  ADD COLUMN IF NOT EXISTS provider TEXT,
  ADD COLUMN IF NOT EXISTS details TEXT,
  ADD COLUMN IF NOT EXISTS status TEXT,
  ADD COLUMN IF NOT EXISTS event_at BIGINT,
  ADD COLUMN IF NOT EXISTS external_id TEXT,
  ADD COLUMN IF NOT EXISTS correlation_id TEXT,
  ADD COLUMN IF NOT EXISTS recipient TEXT;
CREATE INDEX IF NOT EXISTS tidings_events_status ON tidings_events (environment_id, integration_id, status, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_external_id ON tidings_events (environment_id, integration_id, external_id, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_correlation_id ON tidings_events (environment_id, integration_id, correlation_id, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_recipient ON tidings_events (environment_id, integration_id, recipient, seq) WHERE kind = 'result';
CREATE INDEX IF NOT EXISTS tidings_events_event_at ON tidings_events (environment_id, integration_id, event_at, seq) WHERE kind = 'result';
CREATE TABLE IF NOT EXISTS tidings_idempotency (
  environment_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  response TEXT,
  claimed_at BIGINT NOT NULL,
  PRIMARY KEY (environment_id, integration_id, key)
);
`;

/**
 * Commits that insert feed rows take this transaction-scoped advisory lock, so feed sequence
 * numbers become visible in the order they were assigned, across every instance: a reader never
 * sees seq 10 while seq 9 is still in flight and then skips it.
 */
export const FEED_LOCK = 0x7469_6469; // "tidi"
