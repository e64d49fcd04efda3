import type { FeedItem, FeedQuery, Scope } from "../store.js";

export const ITEM_COLUMNS = "seq, id, body, details, provider, correlation_id, received_at, event_at";

/** A message's events: each half reads its own index (external id, correlation id). */
export const POSTGRES_TIMELINE = `SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE environment_id = $1 AND integration_id = $2 AND kind = 'result' AND external_id = $3
  UNION
  SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE environment_id = $1 AND integration_id = $2 AND kind = 'result' AND correlation_id = $3
  ORDER BY event_at, seq LIMIT $4`;

export interface EventRow {
  seq: string;
  id: string;
  body: string;
  details: string | null;
  provider: string | null;
  correlation_id: string | null;
  received_at: Date;
}

export function feedItem(row: EventRow): FeedItem {
  return {
    cursor: String(row.seq),
    id: row.id,
    event: JSON.parse(row.body),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) }),
    ...(row.provider === null ? {} : { provider: row.provider }),
    ...(row.correlation_id === null ? {} : { correlationId: row.correlation_id }),
    receivedAt: row.received_at.toISOString(),
  };
}

/**
 * A page of the feed. Each filter is an equality or a range on a column that follows the scope in
 * one of the partial indexes (kind = 'result'), so a filtered page reads that index.
 */
export function postgresFeedQuery(scope: Scope, query: FeedQuery, after: number): { sql: string; params: unknown[] } {
  const where = ["environment_id = $1", "integration_id = $2", "kind = 'result'", "seq > $3"];
  const params: unknown[] = [scope.environmentId, scope.integrationId, after];
  const add = (clause: (at: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (query.statuses !== undefined) add((at) => `status = ANY(${at}::text[])`, query.statuses);
  if (query.externalId !== undefined) add((at) => `external_id = ${at}`, query.externalId);
  if (query.correlationId !== undefined) add((at) => `correlation_id = ${at}`, query.correlationId);
  if (query.recipient !== undefined) add((at) => `recipient = ${at}`, query.recipient);
  if (query.since !== undefined) add((at) => `event_at >= ${at}`, query.since);
  if (query.until !== undefined) add((at) => `event_at < ${at}`, query.until);
  params.push(query.limit);
  return { sql: `SELECT ${ITEM_COLUMNS} FROM tidings_events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${params.length}`, params };
}
