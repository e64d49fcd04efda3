import { hash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";

/** Derives a result id from a raw event that carries no provider event id. */
export type EventHasher = (raw: unknown) => string;

/**
 * sha256 over the key-order-independent serialization, so a provider re-sending the same event
 * with its keys in another order still gets the same id. The text is fast-json-stable-stringify's,
 * character for character (ids already stored must not change); stableJson writes it faster.
 */
export const contentHash: EventHasher = (raw) => `sha256-${hash("sha256", stableJson(raw) as string, "base64url")}`;

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
