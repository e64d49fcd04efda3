import { isUtf8 } from "node:buffer";
import { engineError, type EngineError } from "../errors.js";
import type { DecodeLimits } from "./limits.js";

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
    value = JSON.parse(text);
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
