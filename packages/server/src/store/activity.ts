import type { Status } from "@tidings/core";
import type { FeedFilter, FeedItem } from "./store.js";

/**
 * What the operator console reads across one environment's integrations: events newest first,
 * counts per status per hour (an hourly roll-up kept in the transaction that stores the events, so
 * a chart costs O(hours), not O(events)), when each integration was last called, and what was
 * refused or kept without being normalized.
 */

export const HOUR_MS = 3_600_000;

/** The hour (since the epoch) an instant falls in; every engine files an event under this. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

export interface ActivityFilter extends FeedFilter {
  /** Matches an event whose external id, correlation id or recipient is exactly this. */
  readonly search?: string;
}

/** Integrations to read, all of the environment's when absent. */
export interface IntegrationSelection {
  readonly integrationIds?: readonly string[];
}

export interface RecentQuery extends ActivityFilter, IntegrationSelection {
  /** Older than this cursor (paging back); newer than `after` (tailing). */
  readonly before?: string;
  readonly after?: string;
  readonly limit: number;
}

export interface RecentItem extends FeedItem {
  readonly integrationId: string;
}

export interface StatusCountsQuery extends IntegrationSelection {
  /** Hours since the epoch: from (inclusive) and until (exclusive). */
  readonly fromHour: number;
  readonly untilHour: number;
  /** Counts per hour, or per day (24 hours from midnight UTC). */
  readonly bucketHours: 1 | 24;
  /** Counts of each integration apart, or summed over the selection (fewer rows for a chart). */
  readonly perIntegration: boolean;
}

export interface StatusCount {
  /** Set when counted per integration. */
  readonly integrationId?: string;
  readonly status: Status;
  /** The first hour of the bucket. */
  readonly hour: number;
  readonly count: number;
}

export interface RejectedItem {
  readonly cursor: string;
  readonly integrationId: string;
  readonly receivedAt: string;
  readonly code: string;
  readonly message: string;
  readonly method: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body's first `bodyLimit` bytes. */
  readonly body: Uint8Array;
  readonly bodyBytes: number;
}

export interface KeptItem {
  readonly cursor: string;
  readonly integrationId: string;
  readonly receivedAt: string;
  readonly kind: "ignored" | "unmapped";
  readonly id: string;
  readonly name?: string;
  readonly code?: string;
  readonly reason: string;
  readonly row: string;
}

export interface ListQuery extends IntegrationSelection {
  readonly before?: string;
  readonly limit: number;
}

export interface ActivityPage<T> {
  readonly data: readonly T[];
  /** Pass as `before` for older items; null when none are left. */
  readonly next: string | null;
}

/** The bytes of a rejected body a listing carries; the rest stays in storage. */
export const REJECTED_BODY_LIMIT = 64 * 1024;

export interface ActivityStore {
  recent(environmentId: string, query: RecentQuery): Promise<ActivityPage<RecentItem>>;
  statusCounts(environmentId: string, query: StatusCountsQuery): Promise<readonly StatusCount[]>;
  /** The receive time of each integration's newest call, accepted or refused. */
  lastCalls(environmentId: string): Promise<ReadonlyMap<string, string>>;
  rejected(environmentId: string, query: ListQuery): Promise<ActivityPage<RejectedItem>>;
  kept(environmentId: string, query: ListQuery): Promise<ActivityPage<KeptItem>>;
}

export function isActivityStore(store: object): store is ActivityStore {
  return ["recent", "statusCounts", "lastCalls", "rejected", "kept"].every((name) => typeof (store as Record<string, unknown>)[name] === "function");
}
