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
 * iterative, while everything downstream (stringify, hashing) recurses.
 */
export function decodeJsonText(text: string, limits: DecodeLimits, location = "body"): Decoded {
  if (text.trim() === "") return { ok: false, error: engineError("malformed_body", "body is empty", location) };
  let value: unknown;
  try {
    value = JSON.parse(hasLongDigitRun(text) ? quoteUnsafeIntegers(text) : text);
  } catch (thrown) {
    const detail = thrown instanceof SyntaxError ? thrown.message : "invalid JSON";
    return { ok: false, error: engineError("malformed_body", `body is not valid JSON: ${detail}`, location) };
  }
  if (exceedsDepth(value, limits.maxDepth)) {
    return { ok: false, error: engineError("malformed_body", `body nests deeper than ${limits.maxDepth} levels`, location) };
  }
  return { ok: true, value, text };
}

/** True when `value` nests objects/arrays more than `maxDepth` levels; stops as soon as it knows. */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  return depthExceeded(value, maxDepth);
}

function depthExceeded(value: unknown, budget: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (budget <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && typeof item === "object" && depthExceeded(item, budget - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === "object" && depthExceeded(item, budget - 1)) return true;
  }
  return false;
}

/**
 * True when the text has a run of 16 or more digits: only such texts can hold an integer beyond
 * 2^53. Every run of 16 characters covers exactly one index that is 15 modulo 16, so only those
 * indexes are read, and only a digit there is measured on both sides: about a sixteenth of the
 * text is looked at, where a loop over every character cost more than JSON.parse itself.
 */
export function hasLongDigitRun(text: string): boolean {
  const n = text.length;
  for (let i = 15; i < n; i += 16) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && i - start < 15 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = i;
    while (end + 1 < n && end - start < 15 && isDigit(text.charCodeAt(end + 1))) end++;
    if (end - start >= 15) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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
