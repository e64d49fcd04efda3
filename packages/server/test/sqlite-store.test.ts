import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { digest128 } from "../src/store/digest.js";
import { SeenKeys } from "../src/store/seen-keys.js";
import { SqliteStore, StorageUnavailableError, type AcceptedRecord, type Scope, type Store } from "../src/index.js";

/** MurmurHash3 x86_128 written from the reference byte by byte, to check the string version against. */
function referenceMurmur(bytes: Uint8Array, seed: number): number[] {
  const c = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93];
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const h = [seed | 0, seed | 0, seed | 0, seed | 0];
  const rot = [15, 16, 17, 18];
  const hrot = [19, 17, 15, 13];
  const add = [0x561ccd1b, 0x0bcaa747, 0x96cd1c35, 0x32ac3b17];
  const mixK = (k: number, lane: number) => Math.imul(rotl(Math.imul(k, c[lane]!), rot[lane]!), c[(lane + 1) % 4]!);
  const blocks = Math.floor(bytes.length / 16);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    for (let lane = 0; lane < 4; lane++) {
      h[lane] = h[lane]! ^ mixK(view.getUint32(b * 16 + lane * 4, true), lane);
      h[lane] = (Math.imul(rotl(h[lane]!, hrot[lane]!) + h[(lane + 1) % 4]!, 5) + add[lane]!) | 0;
    }
  }
  const tail = [0, 0, 0, 0];
  const start = blocks * 16;
  for (let i = start; i < bytes.length; i++) tail[(i - start) >> 2]! |= bytes[i]! << (((i - start) & 3) * 8);
  for (let lane = 3; lane >= 0; lane--) if (bytes.length - start > lane * 4) h[lane] = h[lane]! ^ mixK(tail[lane]!, lane);
  for (let lane = 0; lane < 4; lane++) h[lane] = h[lane]! ^ bytes.length;
  h[0] = (h[0]! + h[1]! + h[2]! + h[3]!) | 0;
  for (let lane = 1; lane < 4; lane++) h[lane] = (h[lane]! + h[0]!) | 0;
  for (let lane = 0; lane < 4; lane++) h[lane] = fmix(h[lane]!);
  h[0] = (h[0]! + h[1]! + h[2]! + h[3]!) | 0;
  for (let lane = 1; lane < 4; lane++) h[lane] = (h[lane]! + h[0]!) | 0;
  return h.map((x) => x >>> 0);
}

describe("event key digests", () => {
  test.prop([fc.string({ unit: "binary", maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })])(
    "equal MurmurHash3 x86_128 over the UTF-16LE bytes, at every tail length",
    (text, seed) => {
      expect([...digest128(text, seed)]).toEqual(referenceMurmur(Buffer.from(text, "utf16le"), seed));
    },
  );

  it("is all zeros for the empty string with seed 0, as the reference defines", () => {
    expect([...digest128("", 0)]).toEqual([0, 0, 0, 0]);
  });

  test.prop([fc.uniqueArray(fc.string({ maxLength: 24 }), { minLength: 2, maxLength: 200 })])("differ for different keys", (keys) => {
    const seen = new Set(keys.map((key) => digest128(key, 12345).join(",")));
    expect(seen.size).toBe(keys.length);
  });
});

describe("the set of seen keys", () => {
  test.prop([fc.array(fc.string({ maxLength: 12 }), { maxLength: 3000 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 200 })])(
    "agrees with a Set through growth",
    (added, probes) => {
      const seen = new SeenKeys(1000, 0);
      const reference = new Set<string>();
      for (const key of added) {
        seen.add(digest128(key, 7));
        reference.add(key);
      }
      expect(seen.size).toBe(reference.size);
      for (const key of [...probes, ...added.slice(0, 50)]) expect(seen.has(digest128(key, 7))).toBe(reference.has(key));
    },
  );

  it("remembers a key for at least the window and forgets it after two", () => {
    const seen = new SeenKeys(1000, 0);
    const key = digest128("k", 1);
    seen.add(key);
    seen.rotate(999);
    expect(seen.has(key)).toBe(true);
    seen.rotate(1000);
    expect(seen.has(key)).toBe(true);
    seen.rotate(1999);
    expect(seen.has(key)).toBe(true);
    seen.rotate(2000);
    expect(seen.has(key)).toBe(false);
  });
});

const SCOPE: Scope = { environmentId: "env", integrationId: "int" };

function record(ids: readonly string[], receivedAt = "2026-01-01T00:00:00.000Z"): AcceptedRecord {
  return {
    scope: SCOPE,
    provider: "sendgrid",
    request: { method: "POST", contentType: "application/json", headers: {}, body: new TextEncoder().encode("[]"), receivedAt },
    results: ids.map((id) => ({ id, event: { status: "delivered" as const, date: "2026-01-01T00:00:00.000Z", row: "{}" } })),
    ignored: [],
    unmapped: [],
    response: { statusCode: 200, body: "[]" },
  };
}

async function feedIds(store: Store): Promise<string[]> {
  return (await store.feed(SCOPE, { limit: 1000 })).data.map((item) => item.id);
}

describe("SQLite de-duplication across restarts, windows and failures", () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), "tidings-dedup-")), "tidings.db");

  it("still recognizes a re-delivery after the store is reopened", async () => {
    const path = fresh();
    const now = new Date().toISOString();
    const first = new SqliteStore(path);
    await first.commitAccepted(record(["a", "b"], now));
    await first.close();
    const second = new SqliteStore(path);
    await second.commitAccepted(record(["b", "c"], now));
    expect(await feedIds(second)).toEqual(["a", "b", "c"]);
    await second.close();
  });

  it("stores an event again once its first delivery is older than the window", async () => {
    const path = fresh();
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    const store = new SqliteStore(path, { dedupWindowMs: 60_000, now: () => now });
    await store.commitAccepted(record(["late"], new Date(now).toISOString()));
    now += 60_000;
    await store.commitAccepted(record(["late"], new Date(now).toISOString()));
    expect(await feedIds(store)).toEqual(["late"]);
    await store.close();
    // Reopened three windows later: nothing that old is loaded back.
    now += 180_000;
    const reopened = new SqliteStore(path, { dedupWindowMs: 60_000, now: () => now });
    await reopened.commitAccepted(record(["late"], new Date(now).toISOString()));
    expect(await feedIds(reopened)).toEqual(["late", "late"]);
    await reopened.close();
  });

  it("prunes the keys it keeps for restarts once they are two windows old", async () => {
    const path = fresh();
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    const store = new SqliteStore(path, { dedupWindowMs: 1_000, now: () => now });
    for (let i = 0; i < 1_000; i++) {
      await store.commitAccepted(record([`k${i}`]));
      now += 10;
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    const { count, oldest } = db.prepare("SELECT count(*) AS count, min(committed_at) AS oldest FROM seen_keys").get() as { count: number; oldest: number };
    db.close();
    // The 1,000th commit pruned everything committed more than 2 s (200 commits) before it.
    expect(count).toBe(201);
    expect(oldest).toBe(now - 10 - 2_000);
  });

  it("forgets the keys of a write that failed, so its retry is stored", async () => {
    const store = new SqliteStore(fresh());
    const broken = { ...record(["retried"]), request: { ...record([]).request, body: "not bytes" as unknown as Uint8Array } };
    const outcomes = await Promise.allSettled([store.commitAccepted(record(["fine"])), store.commitAccepted(broken)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
    await store.commitAccepted(record(["retried"]));
    expect(await feedIds(store)).toEqual(["fine", "retried"]);
    await store.close();
  });

  it("refuses a second store on the same database until the first is closed", async () => {
    const path = fresh();
    const first = new SqliteStore(path);
    expect(() => new SqliteStore(path)).toThrow(StorageUnavailableError);
    expect(() => new SqliteStore(path)).toThrow(/in use by another Tidings process/);
    await first.close();
    const second = new SqliteStore(path);
    await second.close();
  });

  it("refuses a database of the earlier one-row-per-event layout instead of misreading it", () => {
    const path = fresh();
    const old = new Database(path);
    old.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT)");
    old.close();
    expect(() => new SqliteStore(path)).toThrow(/earlier Tidings storage layout/);
  });
});

describe("SQLite page size", () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), "tidings-pages-")), "tidings.db");
  const pageSize = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.pragma("page_size", { simple: true });
    } finally {
      db.close();
    }
  };

  it("creates new databases with 4 KiB pages", async () => {
    const path = fresh();
    const store = new SqliteStore(path);
    await store.commitAccepted(record(["a"]));
    await store.close();
    expect(pageSize(path)).toBe(4096);
  });

  it("keeps the page size of a database created before, and reads and writes it", async () => {
    const path = fresh();
    const created = new Database(path);
    created.pragma("page_size = 16384");
    created.pragma("journal_mode = WAL");
    created.close();
    const store = new SqliteStore(path);
    await store.commitAccepted(record(["a", "b"]));
    await store.close();
    const reopened = new SqliteStore(path);
    await reopened.commitAccepted(record(["b", "c"]));
    expect(await feedIds(reopened)).toEqual(["a", "b", "c"]);
    await reopened.close();
    expect(pageSize(path)).toBe(16384);
  });
});

describe("SQLite checkpoints", () => {
  it("are made by the background worker, not left for the writer at 32 MiB of WAL", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tidings-checkpoint-")), "tidings.db");
    const store = new SqliteStore(path);
    const big = { ...record([]), request: { ...record([]).request, body: new Uint8Array(64 * 1024).fill(120) } };
    for (let i = 0; i < 32; i++) await store.commitAccepted(big);
    const deadline = Date.now() + 5_000;
    // 2 MiB of bodies reach the database file only by a checkpoint.
    while (statSync(path).size < 2 * 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(statSync(path).size).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    await store.close();
  });
});

describe("SQLite rejected requests", () => {
  it("keeps them with the reason and the raw body, pruning the oldest beyond the limit", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "tidings-rejected-")), "tidings.db");
    const store = new SqliteStore(path, { maxRejected: 100 });
    for (let i = 0; i < 250; i++) {
      const request = { ...record([]).request, body: new TextEncoder().encode(`{"n":${i}}`) };
      await store.recordRejected({ scope: SCOPE, request, code: "unauthorized", message: `bad signature ${i}` });
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT error_code, error_message, body FROM rejected ORDER BY seq").all() as { error_code: string; error_message: string; body: Buffer }[];
    db.close();
    // Pruned every 100 writes down to the newest 100: the newest are all there, nothing older than kept.
    expect(rows.length).toBeGreaterThanOrEqual(100);
    expect(rows.length).toBeLessThan(200);
    expect(rows.at(-1)).toEqual({ error_code: "unauthorized", error_message: "bad signature 249", body: Buffer.from('{"n":249}') });
    expect(rows.map((row) => Number(/\d+$/.exec(row.error_message)![0]))).toEqual(Array.from({ length: rows.length }, (_, i) => 250 - rows.length + i));
  });
});
