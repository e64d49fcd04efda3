import type { Outbox } from "./outbox.js";
import type { EventDetails, IgnoredEvent, NormalizedResult, Status, UnmappedEvent, WebhookResultDto } from "@tidings/core";

/**
 * Durable storage for what the receiver accepts and rejects. One interface, several engines
 * (SQLite embedded by default); every method that writes resolves only after the commit.
 */
export interface Scope {
  readonly environmentId: string;
  readonly integrationId: string;
}

export interface StoredRequest {
  readonly method: string;
  readonly contentType: string;
  /** Headers with secrets (authorization, cookies, api keys) redacted. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly receivedAt: string;
}

/** A response as it was sent, for idempotent replays. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
}

/**
 * A result as stored: the engine's, with the sender's correlation id the receiver read from it,
 * and the subscriptions it is delivered to (when it is new: a re-delivery is not delivered again).
 */
export type AcceptedResult = NormalizedResult & { readonly correlationId?: string; readonly subscriptions?: readonly string[] };

export interface AcceptedRecord {
  readonly scope: Scope;
  readonly request: StoredRequest;
  /** The plugin id of the integration that normalized the request. */
  readonly provider: string;
  readonly results: readonly AcceptedResult[];
  readonly ignored: readonly IgnoredEvent[];
  readonly unmapped: readonly UnmappedEvent[];
  readonly response: StoredResponse;
  /** Set when the caller sent an idempotency-key that this request claimed. */
  readonly idempotencyKey?: string;
}

export interface RejectedRecord {
  readonly scope: Scope;
  readonly request: StoredRequest;
  readonly code: string;
  readonly message: string;
}

export type IdempotencyClaim =
  | { readonly kind: "claimed" }
  | { readonly kind: "replay"; readonly response: StoredResponse }
  | { readonly kind: "in_flight" }
  | { readonly kind: "fingerprint_mismatch" };

export interface FeedItem {
  readonly cursor: string;
  readonly id: string;
  readonly event: WebhookResultDto["event"];
  /** Absent on events stored before details were kept, and when the plugin found none. */
  readonly details?: EventDetails;
  /** Absent on events stored before the provider was kept. */
  readonly provider?: string;
  readonly correlationId?: string;
  readonly receivedAt: string;
}

/** What the feed selects: every filter given must match (statuses: any of them). */
export interface FeedFilter {
  readonly statuses?: readonly Status[];
  readonly externalId?: string;
  readonly correlationId?: string;
  readonly recipient?: string;
  /** Provider time (event.date) in ms since the epoch: since inclusive, until exclusive. */
  readonly since?: number;
  readonly until?: number;
}

export interface FeedQuery extends FeedFilter {
  readonly after?: string;
  readonly limit: number;
}

/** The most events a timeline answers (its earliest); bounds the work of one call. */
export const MAX_TIMELINE = 1000;

/** True when the query selects by anything but position. */
export function isFiltered(filter: FeedFilter): boolean {
  return (
    filter.statuses !== undefined ||
    filter.externalId !== undefined ||
    filter.correlationId !== undefined ||
    filter.recipient !== undefined ||
    filter.since !== undefined ||
    filter.until !== undefined
  );
}

/** The columns the per-event index holds for one result, in the order both engines write them. */
export function indexColumns(result: AcceptedResult): [status: string, eventAt: number, externalId: string | null, correlationId: string | null, recipient: string | null] {
  return [result.event.status, Date.parse(result.event.date), result.event.externalId ?? null, result.correlationId ?? null, result.details?.recipient ?? null];
}

export interface FeedPage {
  readonly data: readonly FeedItem[];
  /** The cursor to pass as `after` for the next page, or null when this page is the end for now. */
  readonly next: string | null;
}

/** Options every engine takes. */
export interface StoreOptions {
  /** Rejected requests kept for inspection; the oldest beyond this are pruned. */
  readonly maxRejected?: number;
  /** An in-flight idempotency claim older than this is treated as abandoned (its process died). */
  readonly inFlightTtlMs?: number;
  readonly now?: () => number;
}

/** StoreOptions with their defaults filled in. */
export function storeSettings(options: StoreOptions): Required<StoreOptions> {
  return { maxRejected: options.maxRejected ?? 10_000, inFlightTtlMs: options.inFlightTtlMs ?? 60_000, now: options.now ?? Date.now };
}

/** Rejected requests are pruned once every this many, not on each. */
export const PRUNE_REJECTED_EVERY = 100;

/** A request body as a Buffer over the same memory, as the database drivers take it. */
export function bodyBuffer(body: Uint8Array): Buffer {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export interface Store {
  /**
   * Claims an idempotency key for one request at a time. The claim lasts until that request's
   * commitAccepted settles, whether it commits (the response is then replayed) or fails (the key
   * is free again for the client's retry), or until releaseIdempotencyKey.
   */
  claimIdempotencyKey(scope: Scope, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** Ends a claim whose request will not be committed. Never fails. */
  releaseIdempotencyKey(scope: Scope, key: string): Promise<void>;
  /** Commits the record (and its idempotency key's response); ends the key's claim either way. */
  commitAccepted(record: AcceptedRecord): Promise<void>;
  recordRejected(record: RejectedRecord): Promise<void>;
  /** Results in stored order after the cursor, those matching the filters only. */
  feed(scope: Scope, query: FeedQuery): Promise<FeedPage>;
  /** The results whose externalId or correlationId is `messageId`, in provider-time then stored order (at most MAX_TIMELINE). */
  timeline(scope: Scope, messageId: string): Promise<readonly FeedItem[]>;
  /** The delivery outbox; its jobs are written in the commits of the events they carry. */
  readonly outbox?: Outbox;
  /** Resolves when the database answers a read. */
  ping(): Promise<void>;
  /**
   * Resolves when a write can be committed now (what a health check needs to know: a database
   * that answers reads may still refuse every write); rejects with StorageUnavailableError.
   * Optional for stores written before it, whose health is their ping.
   */
  probeWrite?(): Promise<void>;
  close(): Promise<void>;
}

/** Storage could not do its work (disk full, read-only, database down): the caller should retry. */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No database at the path, and a new one was not asked for (it may have been moved or deleted). */
export class DatabaseNotFoundError extends Error {
  override readonly name = "DatabaseNotFoundError";
  constructor(readonly path: string) {
    super(`SQLite database ${path} does not exist (moved or deleted, or its volume not mounted?); a new, empty database is created only when asked for`);
  }
}

/** A feed cursor that this store did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}

/** A feed cursor as both engines issue it: the digits of a non-negative safe integer. */
export function parseCursor(cursor: string): number {
  const value = /^\d{1,16}$/.test(cursor) ? Number(cursor) : NaN;
  if (!Number.isSafeInteger(value)) throw new InvalidCursorError(`"${cursor}" is not a feed cursor`);
  return value;
}
