/**
 * A seeded 128-bit digest of a string: MurmurHash3 x86_128 over the string's UTF-16LE code
 * units. SQLite de-duplication keeps these digests in memory instead of a random-key B-tree index,
 * whose maintenance costs a rewritten page per event. Not cryptographic: the seed is random per
 * database, and two ids sharing a digest (about 2^-128 per pair) would only merge their own events.
 */
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** Writes the digest of `text` into `out` (four 32-bit words) and returns it. */
export function digest128(text: string, seed: number, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  const units = text.length;
  const blocks = units >>> 3; // 8 code units = 16 bytes per block
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  let i = 0;
  for (let b = 0; b < blocks; b++, i += 8) {
    let k1 = word(text, i);
    let k2 = word(text, i + 2);
    let k3 = word(text, i + 4);
    let k4 = word(text, i + 6);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to 7 code units, whole 32-bit words of two units plus an odd last unit.
  const rest = units - i;
  if (rest > 0) {
    const tail = [0, 0, 0, 0];
    for (let u = 0; u < rest; u++) tail[u >>> 1]! |= text.charCodeAt(i + u) << ((u & 1) * 16);
    if (rest > 6) h4 ^= Math.imul(rotl(Math.imul(tail[3]!, C4), 18), C1);
    if (rest > 4) h3 ^= Math.imul(rotl(Math.imul(tail[2]!, C3), 17), C4);
    if (rest > 2) h2 ^= Math.imul(rotl(Math.imul(tail[1]!, C2), 16), C3);
    h1 ^= Math.imul(rotl(Math.imul(tail[0]!, C1), 15), C2);
  }
  const length = units * 2;
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = h2 + h1;
  out[2] = h3 + h1;
  out[3] = h4 + h1;
  return out;
}

function word(text: string, i: number): number {
  return text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
