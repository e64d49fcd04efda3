import { bodyBuffer, type AcceptedResult, type FeedItem } from "../store.js";

/**
 * A result as stored: its row, when found verbatim in the request body (the usual case for JSON
 * bodies, whose rows are cut from the body's text), is kept as its span in the body rather than a
 * second copy; otherwise the row stays inline. Halves what a batch writes.
 */
export type StoredResult = {
  id: string;
  event: Omit<FeedItem["event"], "row">;
  at?: [number, number];
  details?: FeedItem["details"];
  provider?: string;
  correlationId?: string;
};
/** A stored result with its row restored. */
export type StoredItem = Omit<StoredResult, "event" | "at"> & { event: FeedItem["event"] };

export function storedResults(results: readonly AcceptedResult[], provider: string, body: Uint8Array): StoredResult[] {
  let text: string | undefined;
  let from = 0;
  let searching = true;
  return results.map(({ id, event, details, correlationId }) => {
    const extra = { ...(details === undefined ? {} : { details }), provider, ...(correlationId === undefined ? {} : { correlationId }) };
    const { row } = event;
    if (searching && row !== undefined) {
      text ??= bodyBuffer(body).toString("utf8");
      const at = text.indexOf(row, from);
      // Rows come in body order; after one miss the rest are kept inline (no quadratic search).
      if (at >= 0) {
        from = at + row.length;
        const { row: _, ...rest } = event;
        return { id, event: rest, at: [at, from], ...extra };
      }
      searching = false;
    }
    return { id, event, ...extra };
  });
}

/** The results of one stored request, rows restored from the body where they were spans. */
export function readResults(row: FeedRow): StoredItem[] {
  const stored = JSON.parse(row.results) as StoredResult[];
  let text: string | undefined;
  return stored.map(({ event, at, ...rest }) => {
    if (at === undefined) return { ...rest, event: event as FeedItem["event"] };
    text ??= row.body.toString("utf8");
    return { ...rest, event: { ...event, row: text.slice(at[0], at[1]) } };
  });
}

export function feedItem(cursor: number, { id, event, details, provider, correlationId }: StoredItem, receivedAt: string): FeedItem {
  return {
    cursor: String(cursor),
    id,
    event,
    ...(details === undefined ? {} : { details }),
    ...(provider === undefined ? {} : { provider }),
    ...(correlationId === undefined ? {} : { correlationId }),
    receivedAt,
  };
}

export interface FeedRow {
  seq: number;
  received_at: string;
  results: string;
  body: Buffer;
}

