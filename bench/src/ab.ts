import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./measure.js";
import type { Child } from "./processes.js";
import { batchTarget, everlyticTarget, load, RECEIVER_ENTRY, ROOT, startReceiver, writeBenchConfig, type Target } from "./receiver.js";

/**
 * `pnpm bench:ab --base <checkout>`: this checkout's receiver against another's (built) on the same
 * workload, the way BENCHMARKS.md judges a change. Both servers run side by side and are loaded
 * in alternating slices; the order flips every round, since the server loaded second in a pair
 * has measured differently from the first. Prints this/base per pair, the median, and each
 * server's CPU per request (from /proc, so Linux only). `--base .` measures the harness itself
 * (A/A): read a result against that spread.
 */
const { values } = parseArgs({
  options: {
    base: { type: "string" },
    workload: { type: "string", default: "single" },
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "2" },
    rate: { type: "string" },
  },
});
const usage = "usage: pnpm bench:ab --base <other checkout, built> [--workload single|batch] [--rounds 6] [--seconds 2] [--rate <requests/s>]";
if (values.base === undefined || !["single", "batch"].includes(values.workload!)) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const baseRoot = resolve(values.base);
if (!existsSync(join(baseRoot, RECEIVER_ENTRY))) {
  process.stderr.write(`no built receiver in ${baseRoot} (${RECEIVER_ENTRY}): run \`npx -y pnpm@10.20.0 install\` there first\n`);
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const rate = values.rate === undefined ? undefined : Number(values.rate);
const targetOf = values.workload === "batch" ? batchTarget : everlyticTarget;

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds a process has used so far (user and system), or undefined without /proc. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface Side {
  readonly name: string;
  readonly child: Child;
  readonly target: Target;
  readonly perSecond: number[];
  readonly cpuUsPerRequest: number[];
  p99Ms: number;
}

const dir = mkdtempSync(join(tmpdir(), "tidings-ab-"));
const config = writeBenchConfig(dir);
const sides: Side[] = [];
try {
  for (const [name, root] of [["base", baseRoot], ["this", resolve(ROOT)]] as const) {
    const child = await startReceiver(root, config, join(dir, `${name}.db`));
    sides.push({ name: `${name} (${root})`, child, target: targetOf(child.url), perSecond: [], cpuUsPerRequest: [], p99Ms: 0 });
  }
  for (const side of sides) await load(side.target, seconds, rate);
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const before = cpuMs(side.child.pid);
      const result = await load(side.target, seconds, rate);
      const after = cpuMs(side.child.pid);
      if (result.non2xx + result.errors > 0) throw new Error(`${side.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      side.perSecond.push(result.requests.total / (result.duration || seconds));
      if (before !== undefined && after !== undefined) side.cpuUsPerRequest.push(((after - before) * 1000) / result.requests.total);
      side.p99Ms = Math.max(side.p99Ms, result.latency.p99);
    }
  }
  const [base, self] = sides as [Side, Side];
  const ratios = self.perSecond.map((value, i) => value / base.perSecond[i]!);
  for (const side of sides) {
    const cpu = side.cpuUsPerRequest.length > 0 ? `, CPU ${median(side.cpuUsPerRequest).toFixed(0)} us a request` : "";
    process.stdout.write(`${side.name}: ${median(side.perSecond).toFixed(0)} requests/s${cpu}, worst p99 ${side.p99Ms} ms\n`);
  }
  process.stdout.write(`this/base per pair: ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${median(ratios).toFixed(3)}\n`);
} finally {
  for (const side of sides) await side.child.stop();
  rmSync(dir, { recursive: true, force: true });
}
