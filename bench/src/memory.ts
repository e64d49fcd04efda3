import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sendgridBatch } from "./workloads.js";

export interface MemoryFigure {
  readonly events: number;
  readonly bodyBytes: number;
  /** Peak resident memory added by normalizing, as a multiple of the body size. */
  readonly peakRssPerBodyByte: number;
}

/** Peak RSS while normalizing a large SendGrid body, in a fresh process that holds only the body. */
export function memoryFigure(events: number): MemoryFigure {
  const dir = mkdtempSync(join(tmpdir(), "tidings-mem-"));
  try {
    const file = join(dir, "body.json");
    writeFileSync(file, sendgridBatch(events));
    const child = fileURLToPath(new URL("./memory-child.js", import.meta.url));
    const output = execFileSync(process.execPath, ["--expose-gc", child, file], { encoding: "utf8" });
    const measured = JSON.parse(output) as { bodyBytes: number; rssBefore: number; peakRss: number; events: number };
    if (measured.events !== events) throw new Error(`normalized ${measured.events} of ${events} events`);
    return { events, bodyBytes: measured.bodyBytes, peakRssPerBodyByte: (measured.peakRss - measured.rssBefore) / measured.bodyBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
