import { createHash } from "node:crypto";
import pg from "pg";

/**
 * PostgreSQL session advisory locks, all on one connection of their own: how instances sharing a
 * database keep an idempotency key to one request at a time. A session lock lives exactly as long
 * as its connection, so a claim whose instance dies, or whose connection is cut (a database
 * restart, pg_terminate_backend), is released with it; nothing is left to expire.
 */
export class AdvisoryLocks {
  readonly #config: pg.ClientConfig;
  #connecting: Promise<Connection> | undefined;
  /** The connection the locks are held on, while it is up. */
  #live: Connection | undefined;

  constructor(config: pg.ClientConfig) {
    this.#config = config;
  }

  /** Takes the lock named `name` unless another session holds it; returns how to release it. */
  async tryLock(name: string): Promise<(() => void) | undefined> {
    const key = lockKey(name);
    const connection = await this.#connection();
    const { rows } = await connection.query("SELECT pg_try_advisory_lock($1, $2) AS locked", key);
    if ((rows[0] as { locked: boolean }).locked !== true) return undefined;
    return () => this.#unlock(connection, key);
  }

  async close(): Promise<void> {
    const connection = await this.#connecting?.catch(() => undefined);
    connection?.drop();
  }

  #unlock(connection: Connection, key: readonly [number, number]): void {
    // A lock of a connection that has gone was released with it.
    if (connection !== this.#live) return;
    // An unlock that fails on a live connection would leave the key locked: drop the connection.
    connection.query("SELECT pg_advisory_unlock($1, $2)", [...key]).catch(connection.drop);
  }

  #connection(): Promise<Connection> {
    this.#connecting ??= this.#connect().catch((thrown: unknown) => {
      this.#connecting = undefined;
      throw thrown;
    });
    return this.#connecting;
  }

  async #connect(): Promise<Connection> {
    const client = new pg.Client(this.#config);
    let dropped = false;
    // One query at a time: pg deprecates queueing queries on a client, and this one serves every claim.
    let last: Promise<unknown> = Promise.resolve();
    const connection: Connection = {
      query: (text, values) => {
        const result = last.then(() => client.query(text, [...values]));
        last = result.catch(() => undefined);
        return result;
      },
      drop: () => {
        if (dropped) return;
        dropped = true;
        if (this.#live === connection) {
          this.#live = undefined;
          this.#connecting = undefined;
        }
        client.end().catch(() => undefined);
      },
    };
    // A connection that fails must not take the process down (an error event without a listener
    // is thrown); its locks are gone with it, and the next claim connects again.
    client.on("error", connection.drop);
    client.on("end", connection.drop);
    await client.connect();
    // Lost already: the error can come in the same read as the connection's first ready message.
    if (dropped) throw new Error("the connection was lost as it opened");
    this.#live = connection;
    return connection;
  }
}

interface Connection {
  readonly query: (text: string, values: readonly unknown[]) => Promise<pg.QueryResult>;
  /** Closes it (once), and forgets it so that the next lock opens another. */
  readonly drop: () => void;
}

/** Two 32-bit lock keys from a SHA-256 of the name: the same on every instance, and not forgeable into another tenant's. */
function lockKey(name: string): [number, number] {
  const digest = createHash("sha256").update(name).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}
