import { hash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";

/** Derives a result id from the row (the raw event's text) of an event without a provider event id. */
export type EventHasher = (row: string) => string;

/**
 * sha256 of the row, the event's text as the provider sent it: a re-delivery of the same event
 * gets the same id, and anyone holding a stored row can recompute its id. Hashing the text as
 * it is, rather than a key-sorted serialization, costs a quarter as much per event (BENCHMARKS.md).
 */
export const rowHash: EventHasher = (row) => `sha256-${hash("sha256", row, "base64url")}`;

/**
 * sha256 over a key-order-independent serialization of a value, for plugins that derive an
 * event id from fields they pick (a receipt without its signing parameters, which change on
 * every retry). The text is fast-json-stable-stringify's, character for character.
 */
export const contentHash = (value: unknown): string => `sha256-${hash("sha256", stableJson(value) as string, "base64url")}`;

/**
 * fast-json-stable-stringify's output, written the same way but with strings that need no
 * escaping quoted directly (most keys and values) instead of through JSON.stringify. Values it
 * treats specially (a toJSON method) and nesting deep enough to be a cycle go to the library
 * itself, which calls toJSON and throws on cycles as it always did.
 */
export function stableJson(value: unknown): string | undefined {
  try {
    return write(value, 0);
  } catch (thrown) {
    if (thrown !== TOO_DEEP) throw thrown;
    return stableStringify(value);
  }
}

const TOO_DEEP = Symbol("too deep");
/** Far deeper than any decoded body may nest (DecodeLimits.maxDepth); beyond it, a cycle is likely. */
const MAX_DEPTH = 512;

/** Characters JSON.stringify escapes (quote, backslash, controls) and surrogates, which it may. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function write(node: unknown, depth: number): string | undefined {
  if (typeof node === "string") return quote(node);
  if (typeof node === "number") return Number.isFinite(node) ? `${node}` : "null";
  if (typeof node !== "object") return JSON.stringify(node);
  if (node === null) return "null";
  if (depth > MAX_DEPTH) throw TOO_DEEP;
  if (typeof (node as { toJSON?: unknown }).toJSON === "function") return stableStringify(node);
  if (Array.isArray(node)) {
    let out = "[";
    for (let i = 0; i < node.length; i++) {
      if (i > 0) out += ",";
      out += write(node[i], depth + 1) ?? "null";
    }
    return `${out}]`;
  }
  const keys = Object.keys(node).sort();
  let out = "";
  for (const key of keys) {
    const item = write((node as Record<string, unknown>)[key], depth + 1);
    if (item === undefined) continue;
    if (out !== "") out += ",";
    out += `${quote(key)}:${item}`;
  }
  return `{${out}}`;
}
