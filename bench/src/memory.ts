import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./measure.js";
import { sendgridBatch } from "./workloads.js";

export interface MemoryFigure {
  readonly events: number;
  readonly bodyBytes: number;
  /** Peak resident memory added by normalizing, as a multiple of the body size: the median run. */
  readonly peakRssPerBodyByte: number;
  /** Every run's multiple. */
  readonly runs: readonly number[];
}

/**
 * Peak RSS while normalizing a large SendGrid body, each run in a fresh process that holds only the
 * body. One run's peak moves by a few percent with when the collector happens to run, so the
 * figure is the median of `runs`.
 */
export function memoryFigure(events: number, runs: number): MemoryFigure {
  const dir = mkdtempSync(join(tmpdir(), "tidings-mem-"));
  try {
    const file = join(dir, "body.json");
    writeFileSync(file, sendgridBatch(events));
    const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
    const multiples: number[] = [];
    let bodyBytes = 0;
    for (let run = 0; run < runs; run++) {
      const output = execFileSync(process.execPath, ["--expose-gc", child, file], { encoding: "utf8" });
      const measured = JSON.parse(output) as { bodyBytes: number; rssBefore: number; peakRss: number; events: number };
      if (measured.events !== events) throw new Error(`normalized ${measured.events} of ${events} events`);
      bodyBytes = measured.bodyBytes;
      multiples.push((measured.peakRss - measured.rssBefore) / measured.bodyBytes);
    }
    return { events, bodyBytes, peakRssPerBodyByte: median(multiples), runs: multiples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
