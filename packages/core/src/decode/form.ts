import { createRequire } from "node:module";
import type qsModule from "qs";
import { engineError } from "../errors.js";
import { decodeJsonText, type Decoded } from "./json.js";
import type { DecodeLimits } from "./limits.js";

/** What qs is told: the decode limits, no prototypes, plain objects, UTF-8 (the flat reader matches it). */
export function qsOptions(limits: DecodeLimits) {
  return {
    depth: limits.maxDepth,
    strictDepth: true,
    parameterLimit: limits.maxFormParameters,
    throwOnLimitExceeded: true,
    arrayLimit: limits.maxFormArrayIndex,
    allowPrototypes: false,
    plainObjects: true,
    charset: "utf-8" as const,
  };
}

/**
 * application/x-www-form-urlencoded with PHP-style bracket nesting (`data[0][transaction][id]=...`),
 * as PHP's http_build_query writes it. qs builds null-prototype objects and drops keys that would
 * reach Object.prototype (`__proto__[x]=1`); the raw bytes stay with the host for the record.
 */
export function decodeFormText(text: string, limits: DecodeLimits, jsonFields: readonly string[]): Decoded {
  let value: Record<string, unknown>;
  try {
    value = parseQuery(text, qsOptions(limits));
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
 * qs and the helpers it pulls in are loaded on the first nested form body rather than at import:
 * most hosts never see one, and every process pays the load at start otherwise.
 */
let qsParse: typeof qsModule.parse | undefined;

function parseQuery(text: string, options: qsModule.IParseOptions & { parameterLimit: number }): Record<string, unknown> {
  const flat = parseFlat(text, options.parameterLimit);
  if (flat !== undefined) return flat;
  qsParse ??= (createRequire(import.meta.url)("qs") as typeof qsModule).parse;
  return qsParse(text, options) as Record<string, unknown>;
}

/** An opening bracket in any spelling qs reads as one (it turns `%5B` into `[` first): a name nests from there. */
const BRACKET = /\[|%5b/i;
/** qs splits a parameter at its first `]=` when it has one, value or not. */
const CLOSE_EQUALS = /\]=|%5d=/i;

/**
 * What qs returns, with the options above, for a body whose names hold no brackets (Twilio's,
 * Vonage's, Mandrill's): each parameter one string under its decoded name in a null-prototype
 * object, a parameter without `=` an empty string, an empty name and `__proto__` dropped. qs spends
 * most of its time merging and compacting, which such a body never needs. Anything else is left to
 * qs (undefined): a bracket in a name, a name given twice (qs combines the values into a list
 * bounded by the array limit), more parameters than allowed (qs refuses them with its own
 * message). Held to qs's output by a property test.
 */
function parseFlat(text: string, parameterLimit: number): Record<string, unknown> | undefined {
  const parts = text.split("&");
  if (parts.length > parameterLimit) return undefined;
  // Built as an ordinary object, its prototype removed at the end: V8 keeps such an object's
  // properties fast, while one made by Object.create(null) is a dictionary, slower to fill, to
  // read and to serialize. `__proto__`, the one accessor on the way, is dropped before assigning.
  const out: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const part of parts) {
    const equals = part.indexOf("=");
    const rawKey = equals === -1 ? part : part.slice(0, equals);
    if (BRACKET.test(rawKey) || (equals !== -1 && CLOSE_EQUALS.test(part))) return undefined;
    const key = decodeComponent(rawKey);
    if (key === "" || key === "__proto__") {
      if (dropped.includes(key)) return undefined;
      dropped.push(key);
      continue;
    }
    if (Object.hasOwn(out, key)) return undefined;
    out[key] = equals === -1 ? "" : decodeComponent(part.slice(equals + 1));
  }
  return Object.setPrototypeOf(out, null) as Record<string, unknown>;
}

/**
 * qs's utf-8 decoder: `+` is a space, and text that is not valid percent-encoding stays as sent,
 * but with `%5B` and `%5D` as brackets, since qs replaced those in the whole body before decoding.
 */
function decodeComponent(text: string): string {
  const spaced = text.includes("+") ? text.replace(/\+/g, " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%5B/gi, "[").replace(/%5D/gi, "]");
  }
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
