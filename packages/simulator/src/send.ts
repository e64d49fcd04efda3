import type { SimulatedRequest } from "./request.js";

export interface SendOptions {
  /** The receiver URL of one integration. */
  readonly target: string;
  readonly next: () => SimulatedRequest;
  readonly count: number;
  /** Requests per second (0 = as fast as the concurrency allows). */
  readonly rate: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: SendSummary) => void;
}

export interface SendSummary {
  readonly sent: number;
  readonly duplicates: number;
  readonly events: number;
  /** Answers by HTTP status code. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests that got no answer (refused, reset, timed out). */
  readonly networkErrors: number;
  /** Events in 200 answers (re-deliveries included). */
  readonly resultsReturned: number;
  readonly durationMs: number;
}

/** Sends `count` requests at `rate` per second with bounded concurrency; answers are tallied, never thrown. */
export async function send(options: SendOptions): Promise<SendSummary> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const started = performance.now();
  const byStatus: Record<string, number> = {};
  let sent = 0, duplicates = 0, events = 0, networkErrors = 0, resultsReturned = 0, issued = 0;
  const summary = (): SendSummary => ({ sent, duplicates, events, byStatus: { ...byStatus }, networkErrors, resultsReturned, durationMs: performance.now() - started });

  const worker = async (): Promise<void> => {
    while (issued < options.count) {
      const index = issued++;
      if (options.rate > 0) {
        const due = started + (index * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const request = options.next();
      try {
        const response = await fetch(options.target, {
          method: "POST",
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        const text = await response.text();
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
        if (response.status === 200) resultsReturned += countResults(text);
      } catch {
        networkErrors++;
      }
      sent++;
      if (request.duplicate) duplicates++;
      events += request.events;
      options.onProgress?.(summary());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.count) }, worker));
  return summary();
}

function countResults(text: string): number {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}
