import { isUtf8 } from "node:buffer";
import { engineError, type EngineError } from "../errors.js";
import type { DecodeLimits } from "./limits.js";
import { skipString } from "./array-elements.js";

/** A decoded body; `text` is the JSON source when the whole body was JSON text. */
export type Decoded = { ok: true; value: unknown; text?: string } | { ok: false; error: EngineError };

/**
 * Strict UTF-8: invalid bytes are refused rather than replaced. `isUtf8` validates natively, then
 * `toString` takes its fast path; a leading byte-order mark is dropped, as a decoder would.
 */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; error: EngineError } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) return { ok: false, error: engineError("malformed_body", "body is not valid UTF-8") };
  const bom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return { ok: true, text: buffer.toString("utf8", bom) };
}

/**
 * JSON.parse keeps `__proto__` as an own data property (it never reaches a prototype), so the
 * parsed tree is safe as long as nobody merges it with Object.assign; plugins read it through
 * own-property accessors (read.ts). Depth is checked after parsing because V8's parser is
 * iterative, while everything downstream (stringify, hashing) recurses. The same walk looks for
 * numbers at or beyond 2^53: only a literal that JSON.parse may have rounded parses to one, and
 * then the text is parsed again with such integers quoted (rare: Mailjet's ids).
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
  const shape = shapeOf(value, limits.maxDepth);
  if (shape === TOO_DEEP) {
    return { ok: false, error: engineError("malformed_body", `body nests deeper than ${limits.maxDepth} levels`, location) };
  }
  if (shape === BIG_NUMBER) value = JSON.parse(quoteUnsafeIntegers(text));
  return { ok: true, value, text };
}

/** True when `value` nests objects/arrays more than `maxDepth` levels; stops as soon as it knows. */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  return shapeOf(value, maxDepth) === TOO_DEEP;
}

const FITS = 0;
const BIG_NUMBER = 1;
const TOO_DEEP = 2;
type Shape = typeof FITS | typeof BIG_NUMBER | typeof TOO_DEEP;

/** Every integer below this magnitude is exact in a double; a parsed number at or past it may be rounded. */
const EXACT_LIMIT = 2 ** 53;

/** TOO_DEEP as soon as nesting passes `budget`; else BIG_NUMBER when a number reaches 2^53; else FITS. */
function shapeOf(value: unknown, budget: number): Shape {
  if (typeof value === "number") return value >= EXACT_LIMIT || value <= -EXACT_LIMIT ? BIG_NUMBER : FITS;
  if (value === null || typeof value !== "object") return FITS;
  if (budget <= 0) return TOO_DEEP;
  let shape: Shape = FITS;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "string") continue;
      const inner = shapeOf(item, budget - 1);
      if (inner === TOO_DEEP) return TOO_DEEP;
      if (inner === BIG_NUMBER) shape = BIG_NUMBER;
    }
    return shape;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "string") continue;
    const inner = shapeOf(item, budget - 1);
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
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      if (i - start < 16) continue;
      const token = text.slice(start, i);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copied, start)}"${token}"`;
        copied = i;
      }
    } else {
      i++;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isNumberChar(c: number): boolean {
  // digits . e E + -
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}
