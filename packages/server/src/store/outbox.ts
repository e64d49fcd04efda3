import type { NewDelivery } from "../outbound/payload.js";

/**
 * The delivery outbox: jobs written in the same transaction as the events they carry (see each
 * engine's writes), claimed by the delivery worker under a lease, and updated with each attempt.
 */
export type DeliveryState = "pending" | "delivered" | "dead";

/** A job claimed for one attempt. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly messageId: string;
  readonly payload: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  /** Proves the claim when recording: a claim whose lease ran out and was taken over records nothing. */
  readonly leaseToken: string;
}

export interface AttemptRecord {
  /** ms since the epoch. */
  readonly at: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  /** The first 1 KiB of the answer's body. */
  readonly response: string | null;
}

export type AttemptOutcome =
  | { readonly state: "delivered" }
  | { readonly state: "pending"; readonly nextAt: number }
  | { readonly state: "dead"; readonly disableSubscription?: string };

export interface DeliveryView {
  readonly id: string;
  readonly messageId: string;
  readonly environmentId: string;
  readonly integrationId: string;
  readonly eventId: string;
  readonly state: DeliveryState;
  readonly attempts: readonly AttemptRecord[];
  readonly nextAt: number | null;
  readonly createdAt: number;
}

/** A delivery as both stores select it for `list`; PostgreSQL gives its BIGINT columns as text. */
export interface DeliveryListRow {
  readonly id: number | string;
  readonly message_id: string;
  readonly environment_id: string;
  readonly integration_id: string;
  readonly event_id: string;
  readonly state: DeliveryState;
  readonly next_at: number | string;
  readonly created_at: number | string;
}

/** An attempt as both stores select it for `list`. */
export interface AttemptListRow {
  readonly delivery_id: number | string;
  readonly at: number | string;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly error: string | null;
  readonly response: string | null;
}

/** The page `list` answers: each delivery with its attempts, and the cursor of the next page. */
export function deliveryPage(rows: readonly DeliveryListRow[], attemptRows: readonly AttemptListRow[], limit: number): { data: DeliveryView[]; next: string | null } {
  const attempts = new Map<string, AttemptRecord[]>();
  for (const row of attemptRows) {
    const key = String(row.delivery_id);
    const list = attempts.get(key) ?? [];
    list.push({ at: Number(row.at), statusCode: row.status_code, latencyMs: row.latency_ms, error: row.error, response: row.response });
    attempts.set(key, list);
  }
  const data = rows.map((row) => ({
    id: String(row.id),
    messageId: row.message_id,
    environmentId: row.environment_id,
    integrationId: row.integration_id,
    eventId: row.event_id,
    state: row.state,
    attempts: attempts.get(String(row.id)) ?? [],
    nextAt: row.state === "pending" ? Number(row.next_at) : null,
    createdAt: Number(row.created_at),
  }));
  return { data, next: rows.length === limit ? data[data.length - 1]!.id : null };
}

export interface OutboxSize {
  readonly pending: number;
  readonly dead: number;
}

export interface Outbox {
  /**
   * Claims up to `limit` due pending jobs of one subscription for `leaseMs`; a job claimed and not
   * recorded (its process died) is due again once the lease ends. Disabled subscriptions give none.
   */
  claim(subscriptionId: string, limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt and what follows it; false when the claim was lost (lease ended, taken over). */
  record(job: ClaimedDelivery, attempt: AttemptRecord, outcome: AttemptOutcome): Promise<boolean>;
  /** Queues deliveries outside a request's commit (replays); returns how many. */
  enqueue(deliveries: readonly NewDelivery[], now: number): Promise<number>;
  /** A subscription's jobs, newest first, each with its attempts. */
  list(subscriptionId: string, query: { readonly before?: string; readonly limit: number; readonly state?: DeliveryState }): Promise<{ data: DeliveryView[]; next: string | null }>;
  /** A dead job of the subscription back to pending, due now; also ends the subscription's disabling. False when there is no such dead job. */
  retry(subscriptionId: string, id: string, now: number): Promise<boolean>;
  /** Jobs pending and dead, each counted up to `cap` (a count is a scan; past the alarm the exact number matters less than the work). */
  size(cap: number): Promise<OutboxSize>;
  /** One subscription's jobs pending and dead, each counted up to `cap`, as `size` counts them all. */
  sizeOf(subscriptionId: string, cap: number): Promise<OutboxSize>;
  /** The subscriptions disabled (their endpoint answered 410), with why. */
  disabled(): Promise<ReadonlyMap<string, string>>;
  /**
   * Deletes up to `limit` jobs, with their attempts, delivered before `deliveredBefore` or dead
   * before `deadBefore` (ms since the epoch, against the time of their last attempt); returns how many.
   */
  prune(deliveredBefore: number, deadBefore: number, limit: number): Promise<number>;
}

/** Attempt answers are kept to this many bytes. */
export const MAX_KEPT_ANSWER = 1024;
