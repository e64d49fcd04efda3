import { describe, expect, it } from "vitest";
import { DELIVERY_DEFAULTS, DeliveryWorker, type Outbox } from "../src/index.js";
import { PRUNE_BATCH } from "../src/outbound/worker.js";

const NOW = Date.parse("2026-03-01T00:00:00.000Z");
const DAY = 86_400_000;

/** An outbox with no due jobs that answers each prune with the next of `answers`. */
function pruningOutbox(answers: number[]) {
  const calls: [number, number, number][] = [];
  const outbox = {
    claim: async () => [],
    size: async () => ({ pending: 0, dead: 0 }),
    disabled: async () => new Map(),
    prune: async (delivered: number, dead: number, limit: number) => {
      calls.push([delivered, dead, limit]);
      return answers.shift() ?? 0;
    },
  } as unknown as Outbox;
  return { outbox, calls };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const subscription = { id: "app", retrySchedule: [] } as never;

describe("delivery retention", () => {
  it("prunes a batch at once, the next a poll later while batches come back full, then waits a minute", async () => {
    const { outbox, calls } = pruningOutbox([PRUNE_BATCH, PRUNE_BATCH, 3]);
    let now = NOW;
    const worker = new DeliveryWorker({
      subscriptions: [subscription],
      outbox,
      logger: quiet,
      now: () => now,
      settings: { ...DELIVERY_DEFAULTS, pollMs: 10, keepDeliveredDays: 2, keepDeadDays: 10 },
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
    const cutoffs = (at: number) => [at - 2 * DAY, at - 10 * DAY, PRUNE_BATCH];
    worker.start();
    await settle();
    expect(calls).toEqual([cutoffs(NOW)]);
    // A full batch: the next one a poll (10 ms of the worker's clock) later, however often it wakes.
    now += 10;
    await settle();
    expect(calls).toEqual([cutoffs(NOW), cutoffs(NOW + 10)]);
    now += 10;
    await settle();
    expect(calls).toEqual([cutoffs(NOW), cutoffs(NOW + 10), cutoffs(NOW + 20)]);
    // Nothing more expired: the next prune waits its minute.
    now += 59_000;
    await settle();
    expect(calls).toHaveLength(3);
    now += 1_000;
    await settle();
    await worker.stop();
    expect(calls).toHaveLength(4);
    expect(calls[3]).toEqual(cutoffs(now));
  });
});
