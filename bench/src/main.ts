import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { coldStartFigure } from "./cold-start.js";
import { deliveryFigures } from "./delivery.js";
import { engineFigures, novuFigure } from "./engine.js";
import { memoryFigure } from "./memory.js";
import { providerFigures } from "./providers.js";
import { receiverFigures, type LoadResult } from "./receiver.js";

/**
 * `pnpm bench` (about 2 minutes) or `pnpm bench --quick` (a smoke run, under a minute).
 * Every ratio compares two things measured side by side in this run; see BENCHMARKS.md.
 */
const quick = process.argv.includes("--quick");
const rounds = quick ? 5 : 25;
const loadSeconds = quick ? 3 : 10;
const memoryEvents = quick ? 20_000 : 100_000;
const memoryRuns = quick ? 1 : 3;
const coldStartSamples = quick ? 3 : 9;

const targets = { deadEndpointP99Ratio: 1.5, engineRatio: 3.0, providerRatio: 3.0, receiverRatio: 0.6, receiverP99Ms: 25, batchEventsPerSec: 100_000, novuRatio: 1.0, memoryMultiple: 4, coldStartMs: 100 };

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const lines: string[] = [];
const print = (line = "") => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
const show = (name: string, r: LoadResult) =>
  print(`  ${name.padEnd(42)} ${fmt(r.requestsPerSecond, 0).padStart(8)} req/s  p50 ${fmt(r.p50Ms, 1)} ms  p99 ${fmt(r.p99Ms, 1)} ms  non-2xx ${r.non2xx}  errors ${r.errors}`);

async function printDelivery() {
  print(`Delivery: a subscription whose endpoint never answers vs none, ${loadSeconds} s each at 500 req/s`);
  const delivery = await deliveryFigures(loadSeconds);
  show("receiver, no subscription", delivery.none);
  show("receiver, subscription to a dead endpoint", delivery.dead);
  print(`  p99 ratio dead/none ${fmt(delivery.p99Ratio)}`);
  if ([delivery.none, delivery.dead].some((r) => r.non2xx + r.errors > 0)) print("  WARNING: some requests failed; the delivery figures are not valid");
  return delivery;
}

print(`Tidings benchmarks (${quick ? "quick" : "full"}) on Node ${process.version}`);

function printProviders(only?: readonly string[]) {
  print("Providers: each built-in plugin's documented sample (else the one named), 1,000 requests, verification left out");
  const rows = providerFigures(rounds, only);
  for (const row of rows) {
    print(`  ${`${row.plugin} (${row.provenance === "documented" ? "" : `${row.provenance} `}${row.fixture})`.padEnd(50)} ${fmt(row.subjectMs).padStart(8)} ms vs ${row.baseline.padEnd(15)} ${fmt(row.baselineMs).padStart(8)} ms  ratio ${fmt(row.ratio)}`);
  }
  return rows;
}

function printColdStart() {
  const cold = coldStartFigure(coldStartSamples);
  print(`Cold start: a fresh node process per sample, median of ${cold.samples}`);
  print(`  import core + SendGrid plugin + first normalize ${fmt(cold.subjectMs, 1)} ms vs JSON.parse alone ${fmt(cold.baselineMs, 1)} ms`);
  print(`  the same with a credentials check (basic auth) first ${fmt(cold.withCredentialsMs, 1)} ms (reported, not the target)`);
  print(`  whole process ${fmt(cold.processMs, 1)} ms vs ${fmt(cold.baselineProcessMs, 1)} ms  ratio ${fmt(cold.processRatio)}`);
  return cold;
}

// `--only delivery`: the delivery row alone, for before/after runs of the outbound path.
// `--only providers [plugin-id ...]`: the provider rows alone, or those of the plugins named.
// `--only cold-start`: the cold start rows alone.
if (process.argv.includes("--only")) {
  const at = process.argv.indexOf("--only");
  const only = process.argv[at + 1];
  print();
  if (only === "delivery") await printDelivery();
  else if (only === "providers") printProviders(process.argv.slice(at + 2).filter((arg) => !arg.startsWith("--")));
  else if (only === "cold-start") printColdStart();
  else throw new Error(`--only takes "delivery", "providers" or "cold-start", not ${String(only)}`);
  process.exit(0);
}
print();
print("Engine: normalize vs parse of the same bytes (median of interleaved rounds)");
const engine = engineFigures(rounds);
for (const row of engine) {
  print(`  ${row.name.padEnd(42)} ${fmt(row.subjectMs).padStart(8)} ms vs ${row.baseline.padEnd(15)} ${fmt(row.baselineMs).padStart(8)} ms  ratio ${fmt(row.ratio)}${row.counted ? "" : "  (reported, not in engineRatio)"}`);
}
const engineRatio = Math.max(...engine.filter((r) => r.counted).map((r) => r.ratio));

print();
const providers = printProviders();
const providerRatio = Math.max(...providers.map((r) => r.ratio));

const novu = novuFigure(rounds);
print();
print("Peer: the same 1,000-event SendGrid batch");
print(`  Tidings (signature verified, ids, validation) ${fmt(novu.subjectMs)} ms vs Novu @novu/providers 0.24.2 ${fmt(novu.baselineMs)} ms  ratio ${fmt(novu.ratio)}`);

print();
const cold = printColdStart();
const coldStartMs = cold.subjectMs;

print();
print(`Receiver: ${loadSeconds} s of 32 connections each (autocannon)`);
const load = await receiverFigures(loadSeconds);
show("bare fastify route answering []", load.bare);
show("receiver, store keeping nothing", load.storeless);
show("receiver: Everlytic JSON, committed", load.receiver);
show("receiver: SendGrid 100-event batches", load.batches);
const receiverRatio = load.receiver.requestsPerSecond / load.bare.requestsPerSecond;
// Not a target: how much of the gap to the bare route is the request path, and how much storage.
const storelessRatio = load.storeless.requestsPerSecond / load.bare.requestsPerSecond;
print(`  ratios to the bare route: without storage ${fmt(storelessRatio)}, committed ${fmt(receiverRatio)}`);
const batchEventsPerSec = load.batches.requestsPerSecond * 100;
const receiverP99Ms = load.receiver.p99Ms;
if ([load.storeless, load.receiver, load.batches].some((r) => r.non2xx + r.errors > 0)) {
  print("  WARNING: some requests failed; the receiver figures are not valid");
}

print();
const delivery = await printDelivery();

print();
const memory = memoryFigure(memoryEvents, memoryRuns);
const memoryRunsText = memory.runs.length > 1 ? ` (median of ${memory.runs.map((m) => fmt(m)).join(", ")})` : "";
print(`Memory: ${memory.events.toLocaleString("en")}-event SendGrid body of ${(memory.bodyBytes / 1048576).toFixed(1)} MiB: peak RSS added ${fmt(memory.peakRssPerBodyByte)}x the body${memoryRunsText}`);

const summary = {
  mode: quick ? "quick" : "full",
  node: process.version,
  engineRatio,
  providerRatio,
  receiverRatio,
  receiverP99Ms,
  batchEventsPerSec,
  novuRatio: novu.ratio,
  memoryMultiple: memory.peakRssPerBodyByte,
  storelessRatio,
  deadEndpointP99Ratio: delivery.p99Ratio,
  coldStartMs,
  targets,
  engine,
  providers,
  novu,
  coldStart: cold,
  receiver: load,
  delivery,
  memory,
};
print();
const verdicts: [string, boolean][] = [
  ["engineRatio", engineRatio <= targets.engineRatio],
  ["providerRatio", providerRatio <= targets.providerRatio],
  ["receiverRatio", receiverRatio >= targets.receiverRatio],
  ["receiverP99Ms", receiverP99Ms <= targets.receiverP99Ms],
  ["batchEventsPerSec", batchEventsPerSec >= targets.batchEventsPerSec],
  ["novuRatio", novu.ratio < targets.novuRatio],
  ["memoryMultiple", memory.peakRssPerBodyByte <= targets.memoryMultiple],
  ["deadEndpointP99Ratio", delivery.p99Ratio <= targets.deadEndpointP99Ratio],
  ["coldStartMs", coldStartMs <= targets.coldStartMs],
];
if (quick) {
  // Fewer rounds, shorter loads and a smaller memory body: the figures show that every benchmark
  // runs, but they are not the measurements the targets are defined on.
  print("Quick run: targets are judged on full runs only (pnpm bench)");
} else {
  print(`Targets: ${verdicts.map(([name, met]) => `${name} ${met ? "met" : "MISSED"}`).join(", ")}`);
}
const dir = fileURLToPath(new URL("../", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}results.json`, `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(
  `${JSON.stringify({ engineRatio, receiverRatio, receiverP99Ms, batchEventsPerSec, novuRatio: novu.ratio, memoryMultiple: memory.peakRssPerBodyByte, coldStartMs })}\n`,
);
