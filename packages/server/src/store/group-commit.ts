import { StorageUnavailableError } from "./store.js";

export interface GroupCommitOptions<T> {
  /** Writes every item in one transaction; throws when the transaction fails. */
  readonly commit: (items: readonly T[]) => void | Promise<void>;
  /** True for failures of the database itself, as opposed to one item's problem. */
  readonly isStorageFault: (error: unknown) => boolean;
  /** Names the engine in error messages. */
  readonly engine: string;
}

/**
 * Group commit: writes queued by the same task (the receiver handles a turn's requests in one,
 * see onceEachTurn) are committed together right after it, one transaction (and one fsync) for
 * all, while each request still waits for the commit that holds its rows. When the batch fails
 * for one item's sake, each item is retried alone so it fails by itself; when the database fails,
 * every item of the batch fails with StorageUnavailableError.
 */
export class GroupCommit<T> {
  readonly #options: GroupCommitOptions<T>;
  #queue: { item: T; resolve: () => void; reject: (error: Error) => void }[] = [];
  #scheduled = false;

  constructor(options: GroupCommitOptions<T>) {
    this.#options = options;
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  async flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const { commit, isStorageFault, engine } = this.#options;
    try {
      await commit(batch.map((pending) => pending.item));
      for (const pending of batch) pending.resolve();
    } catch (thrown) {
      if (isStorageFault(thrown) || batch.length === 1) {
        const error = new StorageUnavailableError(`${engine} commit failed: ${(thrown as Error).message}`, { cause: thrown });
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) {
        try {
          await commit([pending.item]);
          pending.resolve();
        } catch (alone) {
          pending.reject(new StorageUnavailableError(`${engine} write failed: ${(alone as Error).message}`, { cause: alone }));
        }
      }
    }
  }
}
