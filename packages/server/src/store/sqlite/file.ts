import { existsSync, mkdirSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { DatabaseNotFoundError, StorageUnavailableError } from "../store.js";
import { prepareLayout } from "./schema.js";

/** The page size of new databases; a file keeps the size it was created with. */
const PAGE_SIZE = 4 * 1024;
const WRITER_CHECKPOINT_BYTES = 32 * 1024 * 1024;

/** An open database: its connection, the lock that keeps other processes off it, what the layout keeps. */
export interface OpenDatabase {
  readonly db: Database.Database;
  /** Undefined in memory. */
  readonly lock: Database.Database | undefined;
  /** Device and inode of the database file when opened; undefined in memory. */
  readonly identity: string | undefined;
  /** The seed of the event-key digests, kept in `meta`. */
  readonly seed: number;
}

/**
 * Opens (or creates, when `create`) the database at `path` for this process alone: the lock file,
 * the pragmas of a durable WAL database, the layout checked or created, and a write probed, so a
 * database that cannot be written is refused at start with the reason.
 */
export function openDatabase(path: string, create: boolean): OpenDatabase {
  // An in-memory database has no file to lock, create or checkpoint.
  const onDisk = path !== ":memory:";
  if (onDisk && !create && !existsSync(path)) throw new DatabaseNotFoundError(path);
  let lock: Database.Database | undefined;
  let db: Database.Database | undefined;
  try {
    if (onDisk && create) mkdirSync(dirname(path), { recursive: true });
    lock = onDisk ? lockDatabase(`${path}.lock`, path) : undefined;
    db = new Database(path, { fileMustExist: onDisk && !create });
    // Set before the file has its first page, ignored after. Each event adds a row to indexes keyed
    // by message ids and recipients, which land on random pages: every page a commit touches is a
    // WAL frame, so smaller pages write less (BENCHMARKS.md: 4 KiB against 16 KiB).
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma("journal_mode = WAL");
    // FULL: a commit is on disk before the response that depends on it is sent.
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    // The checkpoint worker keeps the WAL short; the writer checkpoints itself only past 32 MiB.
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_BYTES / pageSize}`);
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    const seed = prepareLayout(db, path);
    probeWrite(db, path);
    return { db, lock, identity: onDisk ? fileIdentity(path) : undefined, seed };
  } catch (thrown) {
    db?.close();
    lock?.close();
    if (thrown instanceof StorageUnavailableError) throw thrown;
    throw new StorageUnavailableError(`cannot open SQLite database ${path}: ${(thrown as Error).message}`, { cause: thrown });
  }
}

/**
 * Holds an exclusive lock on a companion file for the life of the store, so that a second
 * process cannot write the same database (its de-duplication memory would not see this one's
 * keys). Readers of the database itself (backups, the sqlite3 shell) are not blocked.
 */
function lockDatabase(lockPath: string, path: string): Database.Database {
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE");
    return lock;
  } catch (thrown) {
    lock.close();
    const busy = (thrown as { code?: string }).code === "SQLITE_BUSY";
    throw new StorageUnavailableError(
      busy ? `${path} is in use by another Tidings process (lock ${lockPath}); point each process at its own database, or use PostgreSQL for several` : `cannot lock ${lockPath}: ${(thrown as Error).message}`,
      { cause: thrown },
    );
  }
}

/**
 * What the file system must have free for the health check to pass. A full disk can still take
 * the probe's one-page write (SQLite reuses the WAL's frames after a checkpoint) while every
 * request's commit fails, so the probe alone would report health that requests do not get.
 */
export const FREE_SPACE_RESERVE = 1024 * 1024;

/** Throws when the file system holding `path` has less than the reserve free for this process. */
export function checkFreeSpace(path: string): void {
  const { bavail, bsize } = statfsSync(dirname(path));
  const free = bavail * bsize;
  if (free < FREE_SPACE_RESERVE) {
    throw new StorageUnavailableError(`the file system holding ${path} has ${free} bytes free, under the ${FREE_SPACE_RESERVE} a request's commit may need`);
  }
}

/** The one-row write a probe commits (see probeWrite). */
export const PROBE_SQL = `INSERT INTO meta (key, value) VALUES ('write_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * SQLite opens a file it may not write read-only, without a word, and fails each write later: a
 * start on such a database is refused here instead, with the reason.
 */
function probeWrite(db: Database.Database, path: string): void {
  try {
    db.prepare(PROBE_SQL).run(new Date().toISOString());
  } catch (thrown) {
    throw new StorageUnavailableError(
      `cannot write to SQLite database ${path}: ${(thrown as Error).message} (the receiver's user needs write access to the file and its directory, on a file system mounted read-write)`,
      { cause: thrown },
    );
  }
}

/** Device and inode of the file at `path`, or undefined when there is none. */
export function fileIdentity(path: string): string | undefined {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`;
}

/** Errors that mean the database itself is unusable, as opposed to one record's problem. */
export function isStorageFault(thrown: unknown): boolean {
  if (thrown instanceof StorageUnavailableError) return true;
  const code = (thrown as { code?: unknown })?.code;
  return typeof code === "string" && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PERM|NOMEM)/.test(code);
}
