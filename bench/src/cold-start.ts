import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./measure.js";
import { sendgridBatch } from "./workloads.js";

export interface ColdStartFigure {
  /** Import of core and the SendGrid plugin plus the first normalize, in the child (median). */
  readonly subjectMs: number;
  /** The same with a credentials check (basic auth) before the normalize (median). */
  readonly withCredentialsMs: number;
  /** JSON.parse of the same bytes in the same kind of child (median). */
  readonly baselineMs: number;
  /** Whole child processes, spawn to exit: with Tidings / with JSON.parse only (medians). */
  readonly processMs: number;
  readonly baselineProcessMs: number;
  readonly processRatio: number;
  readonly samples: number;
}

/**
 * What a fresh process (a serverless function, a CLI run) pays before its first answer. Each
 * sample is a new `node` process; a Tidings child and a JSON.parse-only child alternate, so a
 * busy machine slows both sides alike.
 */
export function coldStartFigure(samples: number): ColdStartFigure {
  const child = fileURLToPath(new URL("./cold-start-child.js", import.meta.url));
  const body = sendgridBatch(1).toString("utf8");
  const run = (which: string) => {
    const start = performance.now();
    const output = execFileSync(process.execPath, [child, which, body], { encoding: "utf8" });
    return { inChild: (JSON.parse(output) as { ms: number }).ms, process: performance.now() - start };
  };
  run("tidings");
  run("baseline");
  const subject: { inChild: number; process: number }[] = [];
  const withCredentials: number[] = [];
  const baseline: { inChild: number; process: number }[] = [];
  for (let i = 0; i < samples; i++) {
    subject.push(run("tidings"));
    withCredentials.push(run("tidings-credentials").inChild);
    baseline.push(run("baseline"));
  }
  const processMs = median(subject.map((s) => s.process));
  const baselineProcessMs = median(baseline.map((s) => s.process));
  return {
    subjectMs: median(subject.map((s) => s.inChild)),
    withCredentialsMs: median(withCredentials),
    baselineMs: median(baseline.map((s) => s.inChild)),
    processMs,
    baselineProcessMs,
    processRatio: processMs / baselineProcessMs,
    samples,
  };
}
