import { createRequire } from "node:module";
import type qsModule from "qs";
import { engineError } from "../errors.js";
import { decodeJsonText, type Decoded } from "./json.js";
import type { DecodeLimits } from "./limits.js";

/**
 * application/x-www-form-urlencoded with PHP-style bracket nesting (`data[0][transaction][id]=...`),
 * as PHP's http_build_query writes it. qs builds null-prototype objects and drops keys that would
 * reach Object.prototype (`__proto__[x]=1`); the raw bytes stay with the host for the record.
 */
export function decodeFormText(text: string, limits: DecodeLimits, jsonFields: readonly string[]): Decoded {
  let value: Record<string, unknown>;
  try {
    value = parseQuery(text, {
      depth: limits.maxDepth,
      strictDepth: true,
      parameterLimit: limits.maxFormParameters,
      throwOnLimitExceeded: true,
      arrayLimit: limits.maxFormArrayIndex,
      allowPrototypes: false,
      plainObjects: true,
      charset: "utf-8",
    });
  } catch (thrown) {
    const detail = thrown instanceof Error ? thrown.message : "invalid form body";
    return { ok: false, error: engineError("malformed_body", `form body rejected: ${detail}`) };
  }
  for (const field of jsonFields) {
    if (!Object.hasOwn(value, field)) continue;
    const fieldValue = value[field];
    if (typeof fieldValue !== "string") continue;
    const parsed = decodeJsonText(fieldValue, limits, field);
    if (!parsed.ok) return parsed;
    value[field] = parsed.value;
  }
  return { ok: true, value };
}

/**
 * qs and the helpers it pulls in are loaded on the first form body rather than at import: most
 * hosts never see one, and every process pays the load at start otherwise.
 */
let qsParse: typeof qsModule.parse | undefined;

function parseQuery(text: string, options: qsModule.IParseOptions): Record<string, unknown> {
  qsParse ??= (createRequire(import.meta.url)("qs") as typeof qsModule).parse;
  return qsParse(text, options) as Record<string, unknown>;
}

/**
 * The inverse, as PHP's http_build_query writes nested data (`a[b][0]=x`): what form-posting
 * providers send, for simulators and tests. null and undefined are left out; booleans become 1/0.
 */
export function encodeForm(value: unknown): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === "object") {
      const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v);
      for (const [k, item] of entries) walk(prefix === "" ? k : `${prefix}[${k}]`, item);
      return;
    }
    const text = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
    pairs.push(`${encodeURIComponent(prefix === "" ? "value" : prefix)}=${encodeURIComponent(text)}`);
  };
  walk("", value);
  return pairs.join("&");
}
