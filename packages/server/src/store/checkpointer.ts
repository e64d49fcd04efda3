import { once } from "node:events";
import { Worker } from "node:worker_threads";

/** Resolved from src/store and dist/store alike: the worker always runs the built file. */
const WORKER = new URL("../../dist/store/checkpoint-worker.js", import.meta.url);

export interface Checkpointer {
  stop(): Promise<void>;
}

const INTERVAL_MS = 25;

/**
 * Checkpoints a WAL database from a worker thread every 25 ms. A checkpoint rewrites every
 * committed page into the database file and syncs it; done by the writer, it made the commits that
 * trigger it about twice as slow (measured under batch load). If the worker fails, `onError` hears
 * of it and the writer's own auto-checkpoint takes over.
 */
export function startCheckpointer(path: string, onError: (error: Error) => void): Checkpointer {
  const worker = new Worker(WORKER, { workerData: { path, intervalMs: INTERVAL_MS } });
  worker.unref();
  let running = true;
  worker.on("error", onError);
  const exited = once(worker, "exit").then(() => {
    running = false;
  });
  return {
    stop: async () => {
      // Unreferenced so it never holds a process open; referenced again while it is awaited.
      worker.ref();
      if (running) worker.postMessage("stop");
      await exited;
    },
  };
}
