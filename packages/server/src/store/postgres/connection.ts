import type pg from "pg";

/** A pool client checked out with a listener on its own connection's errors. */
export interface Checkout {
  readonly client: pg.PoolClient;
  /** The connection error the client has had, if any. */
  readonly broken: () => Error | undefined;
  /** Back to the pool (once); closed instead when it had an error or `error` is given. */
  readonly release: (error?: Error) => void;
}

/**
 * A client from the pool that hears its own connection's errors. The pool listens only to idle
 * clients; a client that loses its connection while checked out (a database restart,
 * pg_terminate_backend) emits an error event, which would be thrown and end the process if
 * nothing listened. Listening starts inside the pool's callback: the error can come in the same
 * read as the connection's first ready message, before an awaiting caller resumes.
 */
export function checkout(pool: pg.Pool): Promise<Checkout> {
  return new Promise((resolve, reject) => {
    pool.connect((failure, client) => {
      if (failure || client === undefined) {
        reject(failure ?? new Error("the pool gave no client"));
        return;
      }
      let broken: Error | undefined;
      let released = false;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on("error", onError);
      resolve({
        client,
        broken: () => broken,
        release: (error) => {
          if (released) return;
          released = true;
          client.off("error", onError);
          // A client with an error is closed rather than handed to the next transaction.
          client.release(broken ?? error);
        },
      });
    });
  });
}

/** Runs `run` in a transaction on a checked-out client, ended with `end` (or ROLLBACK when it throws). */
export async function transaction<T>(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<T>, end: "COMMIT" | "ROLLBACK" = "COMMIT"): Promise<T> {
  const checkedOut = await checkout(pool);
  const { client } = checkedOut;
  try {
    await client.query("BEGIN");
    const result = await run(client);
    await client.query(end);
    return result;
  } catch (thrown) {
    if (checkedOut.broken() === undefined) await client.query("ROLLBACK").catch((error: Error) => checkedOut.release(error));
    throw thrown;
  } finally {
    checkedOut.release();
  }
}

/** Errors that mean the database cannot be used right now, as opposed to one record's problem. */
export function isUnavailable(thrown: unknown): boolean {
  const code = (thrown as { code?: unknown })?.code;
  if (typeof code !== "string") return true;
  // 08: connection exception; 53: insufficient resources; 57: operator intervention; 58: system error.
  return /^(08|53|57|58|XX)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code);
}
