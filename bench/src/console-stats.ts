import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Status } from "@tidings/core";
import { openStore, type AcceptedRecord, type Store } from "@tidings/server";

/**
 * The console's aggregate query (counts per status per hour or day, from the hourly roll-up) and
 * its newest-first event page, timed against a generated store of 1,000,000 events.
 *
 *   node bench/dist/console-stats.js [--events 1000000] [--db <file | postgres://...>] [--reuse]
 *
 * Events are written through the store (so the roll-up is kept as the receiver keeps it), 100 per
 * request, spread over 90 days, 5 integrations and 10 statuses. Each query runs 20 times after a
 * warm-up; the median and the worst are printed.
 */
const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, db: { type: "string" }, reuse: { type: "boolean" } } });
const TOTAL = Number(values.events);
const PER_REQUEST = 100;
const DAYS = 90;
const INTEGRATIONS = ["sendgrid", "everlytic", "postmark", "twilio", "ses"];
const STATUSES: Status[] = ["delivered", "opened", "clicked", "bounced", "deferred", "dropped", "queued", "sent", "spam", "unsubscribed"];
const ENV = "bench";
const HOUR = 3_600_000;

type ActivityStore = Store & {
  statusCounts(environmentId: string, query: { fromHour: number; untilHour: number; bucketHours: 1 | 24; perIntegration: boolean; integrationIds?: string[] }): Promise<readonly unknown[]>;
  recent(environmentId: string, query: { limit: number; statuses?: Status[]; integrationIds?: string[]; search?: string; since?: number; until?: number }): Promise<{ data: readonly unknown[] }>;
};

const dir = values.db === undefined ? mkdtempSync(join(tmpdir(), "tidings-console-bench-")) : undefined;
const target = values.db ?? join(dir!, "bench.db");
let store = (await openStore(target, { create: true })) as ActivityStore;
const now = Date.UTC(2026, 11, 1);
const start = now - DAYS * 24 * HOUR;

function record(request: number): AcceptedRecord {
  const results = Array.from({ length: PER_REQUEST }, (_, i) => {
    const n = request * PER_REQUEST + i;
    // A deterministic spread: every hour of the range, every status and integration.
    const at = start + Math.floor((n / TOTAL) * DAYS * 24 * HOUR);
    return {
      id: `e${n}`,
      event: { status: STATUSES[(n * 7) % STATUSES.length]!, date: new Date(at).toISOString(), externalId: `m${Math.floor(n / 4)}` },
      details: { recipient: `user${n % 50_000}@example.com` },
    };
  });
  const body = new TextEncoder().encode(JSON.stringify(results.map((r) => r.id)));
  return {
    scope: { environmentId: ENV, integrationId: INTEGRATIONS[request % INTEGRATIONS.length]! },
    request: { method: "POST", contentType: "application/json", headers: {}, body, receivedAt: new Date(now).toISOString() },
    provider: "sendgrid",
    results,
    ignored: [],
    unmapped: [],
    response: { statusCode: 200, body: "[]" },
  };
}

const fillStarted = performance.now();
// --reuse: the --db given was filled by an earlier run with the same --events.
const requests = values.reuse ? 0 : Math.ceil(TOTAL / PER_REQUEST);
for (let first = 0; first < requests; first += 64) {
  const batch = [];
  for (let r = first; r < Math.min(requests, first + 64); r++) batch.push(store.commitAccepted(record(r)));
  await Promise.all(batch);
}
const fillSeconds = (performance.now() - fillStarted) / 1000;
// Reopened, as a running receiver's store is: the fill's write-ahead log checkpointed and gone.
await store.close();
store = (await openStore(target, { create: false })) as ActivityStore;
const filled = values.reuse ? "reused" : `written through the store in ${fillSeconds.toFixed(1)} s`;
process.stdout.write(`store: ${target.startsWith("postgres") ? "PostgreSQL" : "SQLite"}, ${TOTAL.toLocaleString("en")} events ${filled}\n\n`);

const hourOf = (ms: number) => Math.floor(ms / HOUR);
const queries: [string, () => Promise<unknown>][] = [
  ["counts per integration, last 24 hours (integrations page)", () => store.statusCounts(ENV, { fromHour: hourOf(now) - 24, untilHour: hourOf(now), bucketHours: 1, perIntegration: true })],
  ["counts per hour, last 24 hours, all integrations", () => store.statusCounts(ENV, { fromHour: hourOf(now) - 24, untilHour: hourOf(now), bucketHours: 1, perIntegration: false })],
  ["counts per hour, last 7 days, all integrations", () => store.statusCounts(ENV, { fromHour: hourOf(now) - 24 * 7, untilHour: hourOf(now), bucketHours: 1, perIntegration: false })],
  ["counts per day, last 90 days, all integrations", () => store.statusCounts(ENV, { fromHour: hourOf(start), untilHour: hourOf(now), bucketHours: 24, perIntegration: false })],
  ["counts per day, last 90 days, one integration", () => store.statusCounts(ENV, { fromHour: hourOf(start), untilHour: hourOf(now), bucketHours: 24, perIntegration: false, integrationIds: ["sendgrid"] })],
  ["counts per day, a whole year, all integrations", () => store.statusCounts(ENV, { fromHour: hourOf(now) - 366 * 24, untilHour: hourOf(now), bucketHours: 24, perIntegration: false })],
  ["events page (50), newest first", () => store.recent(ENV, { limit: 50 })],
  ["events page (50), status bounced", () => store.recent(ENV, { limit: 50, statuses: ["bounced"] })],
  ["events page (50), one integration, status spam", () => store.recent(ENV, { limit: 50, statuses: ["spam"], integrationIds: ["twilio"] })],
  ["events page (50), search by recipient", () => store.recent(ENV, { limit: 50, search: "user4242@example.com" })],
  ["events page (50), one day 60 days ago", () => store.recent(ENV, { limit: 50, since: now - 60 * 24 * HOUR, until: now - 59 * 24 * HOUR })],
  ["events page (50), one week 60 days ago", () => store.recent(ENV, { limit: 50, since: now - 60 * 24 * HOUR, until: now - 53 * 24 * HOUR })],
];

process.stdout.write(`${"query".padEnd(52)} ${"median".padStart(9)} ${"worst".padStart(9)}\n`);
for (const [name, run] of queries) {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const began = performance.now();
    await run();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(`${name.padEnd(52)} ${`${times[10]!.toFixed(2)} ms`.padStart(9)} ${`${times[19]!.toFixed(2)} ms`.padStart(9)}\n`);
}
await store.close();
if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
