import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./measure.js";
import type { Child } from "./processes.js";
import { alternate, batchTarget, everlyticTarget, RECEIVER_ENTRY, ROOT, startReceiver, writeBenchConfig } from "./receiver.js";

/**
 * `pnpm bench:ab --base <checkout>`: this checkout's receiver against another's (built) on the same
 * workload, the way BENCHMARKS.md judges a change. Both servers run side by side and are loaded
 * in alternating slices, the order flipping every round (see alternate). Prints this/base per
 * pair, the median, and each server's CPU per request (from /proc, so Linux only). `--base .`
 * measures the harness itself (A/A): read a result against that spread.
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
  readonly cpuUsPerRequest: number[];
}

const dir = mkdtempSync(join(tmpdir(), "tidings-ab-"));
const config = writeBenchConfig(dir);
const sides: Side[] = [];
try {
  for (const [name, root] of [["base", baseRoot], ["this", resolve(ROOT)]] as const) {
    const child = await startReceiver(root, config, join(dir, `${name}.db`));
    sides.push({ name: `${name} (${root})`, child, cpuUsPerRequest: [] });
  }
  const results = await alternate(
    sides.map((side) => targetOf(side.child.url)),
    {
      sliceSeconds: seconds,
      slices: rounds,
      warmUpSeconds: seconds,
      ...(rate === undefined ? {} : { rate }),
      around: async (index, run) => {
        const side = sides[index]!;
        const before = cpuMs(side.child.pid);
        const result = await run();
        const after = cpuMs(side.child.pid);
        if (result.non2xx + result.errors > 0) throw new Error(`${side.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        if (before !== undefined && after !== undefined) side.cpuUsPerRequest.push(((after - before) * 1000) / result.requests.total);
        return result;
      },
    },
  );
  const perSecond = results.map((slices) => slices.map((result) => result.requests.total / (result.duration || seconds)));
  const ratios = perSecond[1]!.map((value, i) => value / perSecond[0]![i]!);
  for (const [index, side] of sides.entries()) {
    const cpu = side.cpuUsPerRequest.length > 0 ? `, CPU ${median(side.cpuUsPerRequest).toFixed(0)} us a request` : "";
    const p99 = Math.max(...results[index]!.map((result) => result.latency.p99));
    process.stdout.write(`${side.name}: ${median(perSecond[index]!).toFixed(0)} requests/s${cpu}, worst p99 ${p99} ms\n`);
  }
  process.stdout.write(`this/base per pair: ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${median(ratios).toFixed(3)}\n`);
} finally {
  for (const side of sides) await side.child.stop();
  rmSync(dir, { recursive: true, force: true });
}
