// Runs in a worker thread (see checkpointer.ts): copies committed WAL pages into the database file
// off the event loop, so commits only append to the WAL.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path, { timeout: 0 });
db.pragma("synchronous = FULL");

const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or failing: the writer's own auto-checkpoint is the fallback, and the next tick retries.
  }
};
const timer = setInterval(checkpoint, intervalMs);
parentPort!.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort!.close();
});
