import { engineError, type EngineError } from "../errors.js";
import type { DecodeLimits } from "./limits.js";
import { skipString } from "./array-elements.js";

/** A decoded body; `text` is the JSON source when the whole body was JSON text. */
export type Decoded = { ok: true; value: unknown; text?: string } | { ok: false; error: EngineError };

/** Validates and decodes in one native pass: half the time of `isUtf8` followed by `toString`. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Strict UTF-8: invalid bytes are refused rather than replaced; a leading byte-order mark is
 * dropped, as a decoder does.
 */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; error: EngineError } {
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, error: engineError("malformed_body", "body is not valid UTF-8") };
  }
}

/**
 * JSON.parse keeps `__proto__` as an own data property (it never reaches a prototype), so the
 * parsed tree is safe as long as nobody merges it with Object.assign; plugins read it through
 * own-property accessors (read.ts). Depth is checked after parsing because V8's parser is
 * iterative, while everything downstream (stringify, hashing) recurses. The same walk looks for
 * numbers at or beyond 2^53: only a literal that JSON.parse may have rounded parses to one (Mailjet's
 * and Postmark's ids), and then such integers get their exact digits (see withExactIntegers).
 */
export function decodeJsonText(text: string, limits: DecodeLimits, location = "body"): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (thrown) {
    if (text.trim() === "") return { ok: false, error: engineError("malformed_body", "body is empty", location) };
    const detail = thrown instanceof SyntaxError ? thrown.message : "invalid JSON";
    return { ok: false, error: engineError("malformed_body", `body is not valid JSON: ${detail}`, location) };
  }
  const slots: Slot[] = [];
  const shape = shapeOf(value, limits.maxDepth, slots);
  if (shape === TOO_DEEP) {
    return { ok: false, error: engineError("malformed_body", `body nests deeper than ${limits.maxDepth} levels`, location) };
  }
  if (shape === BIG_NUMBER) value = withExactIntegers(text, value, slots) ?? JSON.parse(quoteUnsafeIntegers(text));
  return { ok: true, value, text };
}

/**
 * True when nothing in `value` nests past `maxDepth` and no number in it reaches 2^53: a parse
 * the decoder would keep as it is (for JSON a plugin parses itself, as SES's SNS Message).
 */
export function parsesExactly(value: unknown, maxDepth: number): boolean {
  return shapeOf(value, maxDepth) === FITS;
}

const FITS = 0;
const BIG_NUMBER = 1;
const TOO_DEEP = 2;
type Shape = typeof FITS | typeof BIG_NUMBER | typeof TOO_DEEP;

/** Every integer below this magnitude is exact in a double; a parsed number at or past it may be rounded. */
const EXACT_LIMIT = 2 ** 53;

function isBig(n: number): boolean {
  return n >= EXACT_LIMIT || n <= -EXACT_LIMIT;
}

/**
 * TOO_DEEP as soon as nesting passes `budget`; else BIG_NUMBER when a number reaches 2^53; else
 * FITS. The numbers at or past 2^53 that sit in an object or array go into `slots`, in walk order
 * (at most MAX_SLOTS + 1 of them: past that the text is parsed again anyway).
 */
function shapeOf(value: unknown, budget: number, slots?: Slot[]): Shape {
  if (typeof value === "number") return isBig(value) ? BIG_NUMBER : FITS;
  if (value === null || typeof value !== "object") return FITS;
  if (budget <= 0) return TOO_DEEP;
  let shape: Shape = FITS;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "string") continue;
      if (typeof item === "number") {
        if (!isBig(item)) continue;
        shape = BIG_NUMBER;
        if (slots !== undefined && slots.length <= MAX_SLOTS) slots.push({ parent: value, key: i, value: item });
        continue;
      }
      const inner = shapeOf(item, budget - 1, slots);
      if (inner === TOO_DEEP) return TOO_DEEP;
      if (inner === BIG_NUMBER) shape = BIG_NUMBER;
    }
    return shape;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "string") continue;
    if (typeof item === "number") {
      if (!isBig(item)) continue;
      shape = BIG_NUMBER;
      if (slots !== undefined && slots.length <= MAX_SLOTS) slots.push({ parent: value, key, value: item });
      continue;
    }
    const inner = shapeOf(item, budget - 1, slots);
    if (inner === TOO_DEEP) return TOO_DEEP;
    if (inner === BIG_NUMBER) shape = BIG_NUMBER;
  }
  return shape;
}

/**
 * Integers beyond 2^53 (Mailjet's MessageID) would reach plugins rounded, as another message's
 * id. Outside strings, each such integer literal is turned into a JSON string of its exact
 * digits before parsing; every other token is left as it is. Rows keep the provider's own text.
 */
export function quoteUnsafeIntegers(text: string): string {
  let out = "";
  let copied = 0;
  forEachLongNumber(text, (start, end) => {
    const token = text.slice(start, end);
    if (!isUnsafeInteger(token)) return;
    out += `${text.slice(copied, start)}"${token}"`;
    copied = end;
  });
  return copied === 0 ? text : out + text.slice(copied);
}

function isUnsafeInteger(token: string): boolean {
  return /^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token));
}

/**
 * `value` (the parse of `text`) with each integer literal past 2^53 put back as the string of its
 * exact digits, as parsing `quoteUnsafeIntegers(text)` gives, without parsing again: the numbers
 * at or past 2^53 in the tree (`slots`, in the order shapeOf met them) are paired with those in the text.
 * Undefined, for that second parse, when the pairing cannot be trusted: counts that differ (a
 * duplicate key's overwritten member), two tokens of one value (then a pair out of order, from a
 * duplicate key or an object listing its integer keys first, would go unseen), a pair whose values
 * differ, or more than MAX_SLOTS of them.
 */
function withExactIntegers(text: string, value: unknown, slots: readonly Slot[]): unknown {
  if (slots.length > MAX_SLOTS) return undefined;
  const tokens: string[] = [];
  forEachLongNumber(text, (start, end) => {
    const token = text.slice(start, end);
    if (Math.abs(Number(token)) >= EXACT_LIMIT) tokens.push(token);
  });
  if (tokens.length !== slots.length) return undefined;
  // Distinct values make the pairing checkable: a slot paired with any token but its own differs in value.
  if (new Set(tokens.map(Number)).size !== tokens.length) return undefined;
  for (let i = 0; i < slots.length; i++) if (Number(tokens[i]) !== slots[i]!.value) return undefined;
  for (let i = 0; i < slots.length; i++) {
    if (!isUnsafeInteger(tokens[i]!)) continue;
    const { parent, key } = slots[i]!;
    // An own `__proto__` member is redefined, never assigned (assigning would reach the setter).
    Object.defineProperty(parent, key, { value: tokens[i], enumerable: true, writable: true, configurable: true });
  }
  return value;
}

/** A number at or past 2^53 in a parsed tree, and where it sits. */
interface Slot {
  readonly parent: object;
  readonly key: string | number;
  readonly value: number;
}

/** Enough for every body seen so far; more goes to the second parse. */
const MAX_SLOTS = 4096;


/**
 * Calls `visit` with the bounds of each number literal outside strings that may be at or past
 * 2^53: sixteen characters or more, or written with an exponent (shorter ones are below 10^15).
 */
function forEachLongNumber(text: string, visit: (start: number, end: number) => void): void {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      let exponent = false;
      i++;
      for (let d = text.charCodeAt(i); i < n && isNumberChar(d); d = text.charCodeAt(++i)) if (d === 101 || d === 69) exponent = true;
      if (i - start >= 16 || exponent) visit(start, i);
    } else {
      i++;
    }
  }
}

function isNumberChar(c: number): boolean {
  // digits . e E + -
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}
