import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./measure.js";
import type { Child } from "./processes.js";
import { alternate, everlyticTarget, ROOT, startReceiver, writeBenchConfig, type LoadResult } from "./receiver.js";

/**
 * Requests/s in all: a steady load well under either receiver's capacity, so that p99 is the
 * latency of an answer rather than the length of a saturated queue.
 */
const RATE = 500;

export interface DeliveryFigures {
  /** The receiver without subscriptions. */
  readonly none: LoadResult;
  /** The same receiver with a subscription to every event, whose endpoint accepts connections and never answers. */
  readonly dead: LoadResult;
  /** p99 with the dead subscription over p99 without. */
  readonly p99Ratio: number;
}

/**
 * Two receivers side by side under the same interleaved load at a steady rate (see alternate): one without
 * subscriptions, one whose subscription's endpoint takes every connection and never answers, so
 * each attempt waits out the delivery timeout while events keep coming. What it costs the
 * receiver's answers is the outbox row each commit writes, and the worker's claims.
 */
export async function deliveryFigures(seconds: number): Promise<DeliveryFigures> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-bench-delivery-"));
  const held: Socket[] = [];
  const dead = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  const address = dead.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const children: Child[] = [];
  try {
    const plain = writeBenchConfig(dir);
    const withDead = join(dir, "dead.json");
    const config = JSON.parse(readFileSync(plain, "utf8")) as Record<string, unknown>;
    const subscription = { id: "dead", environmentId: "bench", url: `http://127.0.0.1:${port}/hooks`, secret: `whsec_${Buffer.alloc(32, 9).toString("base64")}`, allowPrivateNetwork: true };
    writeFileSync(withDead, JSON.stringify({ ...config, subscriptions: [subscription] }));
    const none = await startReceiver(ROOT, plain, join(dir, "none.db"));
    children.push(none);
    const subscribed = await startReceiver(ROOT, withDead, join(dir, "dead.db"));
    children.push(subscribed);
    const slices = seconds >= 10 ? 5 : 1;
    const results = await alternate([everlyticTarget(none.url), everlyticTarget(subscribed.url)], {
      sliceSeconds: seconds / slices,
      slices,
      warmUpSeconds: Math.max(1, Math.round(seconds / 3)),
      rate: RATE,
    });
    const [noneResult, deadResult] = results.map((slices) => ({
      requestsPerSecond: slices.reduce((sum, r) => sum + r.requests.total, 0) / slices.reduce((sum, r) => sum + r.duration, 0),
      // The median slice's p99: on a shared machine the worst slice is another tenant's burst.
      p99Ms: median(slices.map((r) => r.latency.p99)),
      p50Ms: median(slices.map((r) => r.latency.p50)),
      non2xx: slices.reduce((sum, r) => sum + r.non2xx, 0),
      errors: slices.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    })) as [LoadResult, LoadResult];
    return { none: noneResult, dead: deadResult, p99Ratio: deadResult.p99Ms / noneResult.p99Ms };
  } finally {
    for (const child of children) await child.stop();
    for (const socket of held) socket.destroy();
    dead.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
