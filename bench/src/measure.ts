/** Timing helpers: interleaved rounds, so machine noise hits a figure and its baseline alike. */
export interface Paired {
  readonly baselineMs: number;
  readonly subjectMs: number;
  readonly ratio: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeOnce(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Runs baseline and subject alternately `rounds` times after a warm-up; medians and their ratio. */
export function paired(baseline: () => void, subject: () => void, rounds: number): Paired {
  for (let i = 0; i < 3; i++) {
    baseline();
    subject();
  }
  const base: number[] = [];
  const sub: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(timeOnce(baseline));
    sub.push(timeOnce(subject));
  }
  const baselineMs = median(base);
  const subjectMs = median(sub);
  return { baselineMs, subjectMs, ratio: subjectMs / baselineMs };
}
