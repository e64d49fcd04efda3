/**
 * The set of event keys (128-bit digests, see digest.ts) already stored, for de-duplicating
 * re-deliveries without a unique index. Two generations bound the memory: keys go into the
 * current one, which becomes the previous one after `windowMs` and is dropped a window later, so
 * a key is remembered for at least `windowMs` and at most twice that.
 */
export class SeenKeys {
  readonly #windowMs: number;
  #current = new DigestSet();
  #previous = new DigestSet();
  #currentSince: number;

  constructor(windowMs: number, now: number) {
    this.#windowMs = windowMs;
    this.#currentSince = now;
  }

  has(words: Uint32Array, at = 0): boolean {
    return this.#current.has(words, at) || this.#previous.has(words, at);
  }

  add(words: Uint32Array, at = 0): void {
    this.#current.add(words, at);
  }

  rotate(now: number): void {
    if (now - this.#currentSince < this.#windowMs) return;
    this.#previous = this.#current;
    this.#current = new DigestSet();
    this.#currentSince = now;
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}

const WORDS = 4;

/** A set of 4-word digests: open addressing with linear probing; an all-zero slot is empty. */
export class DigestSet {
  #slots: Uint32Array;
  #mask: number;
  size = 0;

  /** `capacity`: slots to start with, a power of two (the table doubles past 70% full). */
  constructor(capacity = 1024) {
    this.#slots = new Uint32Array(WORDS * capacity);
    this.#mask = capacity - 1;
  }

  has(key: Uint32Array, at: number): boolean {
    return this.#find(key, at) >= 0;
  }

  add(key: Uint32Array, at: number): void {
    const found = this.#find(key, at);
    if (found >= 0) return;
    const slot = -found - 1;
    const slots = this.#slots;
    slots[slot] = nonZero(key[at]!);
    slots[slot + 1] = key[at + 1]!;
    slots[slot + 2] = key[at + 2]!;
    slots[slot + 3] = key[at + 3]!;
    if (++this.size * 10 > (this.#mask + 1) * 7) this.#grow();
  }

  /** The slot offset holding the key, or -(free slot offset) - 1 where it would go. */
  #find(key: Uint32Array, at: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const w0 = nonZero(key[at]!);
    const w1 = key[at + 1]!;
    const w2 = key[at + 2]!;
    const w3 = key[at + 3]!;
    for (let i = w1 & mask; ; i = (i + 1) & mask) {
      const o = i * WORDS;
      const s0 = slots[o]!;
      if (s0 === 0) return -o - 1;
      if (s0 === w0 && slots[o + 1] === w1 && slots[o + 2] === w2 && slots[o + 3] === w3) return o;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = this.#mask * 2 + 1;
    this.size = 0;
    for (let o = 0; o < old.length; o += WORDS) if (old[o] !== 0) this.add(old, o);
  }
}

/** The first word's low bit is forced on so that no key is the empty slot (127 bits remain). */
function nonZero(word: number): number {
  return (word | 1) >>> 0;
}
