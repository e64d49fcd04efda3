import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { inboundPath } from "@tidings/server";
import { sendgridBody } from "@tidings/simulator";
import { median } from "./measure.js";
import { startChild, type Child } from "./processes.js";
import { EVERLYTIC_AUTH, EVERLYTIC_CREDENTIALS, everlyticPayloads, sendgridEvents } from "./workloads.js";

/** This checkout. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BARE = fileURLToPath(new URL("./bare-server.js", import.meta.url));
const STORELESS = fileURLToPath(new URL("./storeless-server.js", import.meta.url));
const API_KEY = "bench-api-key-0123456789";

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly p50Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface ReceiverFigures {
  readonly bare: LoadResult;
  /** The receiver with a store that keeps nothing (single events only). */
  readonly storeless: LoadResult;
  readonly receiver: LoadResult;
  readonly batches: LoadResult;
}

/**
 * Each call gets a body of its own: every marker becomes a fresh random UUID, as providers' event
 * ids are random (so storage pays for random keys), and no request is ever a re-delivery.
 */
function uniqueBodies(template: string, marker: string): () => string {
  const parts = template.split(marker);
  return () => {
    let body = parts[0]!;
    for (let i = 1; i < parts.length; i++) body += randomUUID() + parts[i]!;
    return body;
  };
}

export interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly nextBody: () => string;
}

const CONNECTIONS = 32;

/** `seconds` of load on one target from 32 connections; at most `rate` requests/s in all when given. */
function load(target: Target, seconds: number, rate?: number): Promise<autocannon.Result> {
  return autocannon({
    url: target.url,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: target.headers,
    ...(rate === undefined ? {} : { overallRate: rate }),
    requests: [{ setupRequest: (request) => ({ ...request, body: target.nextBody() }) }],
  });
}

/** The benchmark's receiver config (an Everlytic and a SendGrid integration), written into `dir`. */
export function writeBenchConfig(dir: string): string {
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      environments: [{ id: "bench", apiKeys: [API_KEY] }],
      integrations: [
        { environmentId: "bench", id: "everlytic", provider: "everlytic-standard", credentials: EVERLYTIC_CREDENTIALS },
        { environmentId: "bench", id: "sendgrid", provider: "sendgrid" },
      ],
    }),
  );
  return config;
}

/** Single Everlytic events (JSON, basic auth), each with a new random id, posted to a server at `serverUrl`. */
export function everlyticTarget(serverUrl: string): Target {
  const everlytic = everlyticPayloads(1)[0]!;
  return {
    url: `${serverUrl}${inboundPath("bench", "everlytic")}`,
    headers: { "content-type": "application/json", authorization: EVERLYTIC_AUTH },
    nextBody: uniqueBodies(JSON.stringify({ ...everlytic, id: "@ID@" }), "@ID@"),
  };
}

/** SendGrid 100-event batches (API key), every event with its own random sg_event_id. */
export function batchTarget(serverUrl: string): Target {
  const template = sendgridBody(sendgridEvents(100).map((event) => ({ ...event, sg_event_id: "@ID@" })));
  return {
    url: `${serverUrl}${inboundPath("bench", "sendgrid")}`,
    headers: { "content-type": "application/json", authorization: `ApiKey ${API_KEY}` },
    nextBody: uniqueBodies(template, "@ID@"),
  };
}

/** The CLI of a built checkout, relative to its root. */
export const RECEIVER_ENTRY = "packages/cli/dist/main.js";

/** Starts the receiver of the (built) checkout at `root` on a port of its own, with its database at `database`. */
export function startReceiver(root: string, config: string, database: string): Promise<Child> {
  return startChild(process.execPath, [join(root, RECEIVER_ENTRY), "serve", "--port", "0", "--config", config, "--db", database], { TIDINGS_CREATE_DB: "1" });
}

export interface AlternateOptions {
  readonly sliceSeconds: number;
  readonly slices: number;
  readonly warmUpSeconds: number;
  /** At most this many requests/s in all, per slice. */
  readonly rate?: number;
  /** Wraps each slice of target `index` (to read a server's CPU around it, say). */
  readonly around?: (index: number, run: () => Promise<autocannon.Result>) => Promise<autocannon.Result>;
}

/**
 * Each target's result for every slice: after a warm-up of each, the targets are loaded one at a
 * time in slices (a, b, then b, a, ...), so that a machine whose speed drifts during the run
 * (other tenants, page cache, a growing database) moves every side of a ratio alike, and the
 * order is reversed every slice because the target loaded second in a pair measured differently
 * from the first (BENCHMARKS.md).
 */
export async function alternate(targets: readonly Target[], options: AlternateOptions): Promise<autocannon.Result[][]> {
  const { sliceSeconds, slices, warmUpSeconds, rate, around = (_index, run) => run() } = options;
  for (const target of targets) await load(target, warmUpSeconds, rate);
  const results: autocannon.Result[][] = targets.map(() => []);
  const order = targets.map((_target, index) => index);
  for (let slice = 0; slice < slices; slice++) {
    for (const index of slice % 2 === 0 ? order : [...order].reverse()) {
      results[index]!.push(await around(index, () => load(targets[index]!, sliceSeconds, rate)));
    }
  }
  return results;
}

/** `seconds` of load on each target in all (see alternate); latency is the median p50 and the worst p99 over the slices. */
async function interleaved(targets: readonly Target[], seconds: number, slices: number): Promise<LoadResult[]> {
  const perTarget = await alternate(targets, { sliceSeconds: seconds / slices, slices, warmUpSeconds: Math.max(1, Math.round(seconds / 3)) });
  return perTarget.map((results) => {
    const total = results.reduce((sum, r) => sum + r.requests.total, 0);
    const elapsed = results.reduce((sum, r) => sum + r.duration, 0);
    return {
      requestsPerSecond: total / elapsed,
      p99Ms: Math.max(...results.map((r) => r.latency.p99)),
      p50Ms: median(results.map((r) => r.latency.p50)),
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    };
  });
}

/**
 * The bare fastify route, the receiver without storage and the real receiver under the same load,
 * then SendGrid batches into the real receiver.
 */
export async function receiverFigures(seconds: number): Promise<ReceiverFigures> {
  const dir = mkdtempSync(join(tmpdir(), "tidings-bench-"));
  const config = writeBenchConfig(dir);
  const children: Child[] = [];
  try {
    // The servers run side by side; those not under load are idle.
    const bareServer = await startChild(process.execPath, [BARE]);
    children.push(bareServer);
    const storelessServer = await startChild(process.execPath, [STORELESS, config]);
    children.push(storelessServer);
    const server = await startReceiver(ROOT, config, join(dir, "bench.db"));
    children.push(server);
    const slices = seconds >= 10 ? 5 : 1;
    const [bare, storeless, receiver] = await interleaved([everlyticTarget(bareServer.url), everlyticTarget(storelessServer.url), everlyticTarget(server.url)], seconds, slices);
    const [batches] = await interleaved([batchTarget(server.url)], seconds, 1);
    return { bare: bare!, storeless: storeless!, receiver: receiver!, batches: batches! };
  } finally {
    for (const child of children) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
