import type { EventDetails } from "./schemas.js";
import { WIRE_LIMITS } from "./vocabulary.js";

/**
 * Safe readers for untrusted payloads. They only see own properties, so a payload key such as
 * `constructor` or `toString` never resolves to something inherited from Object.prototype.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Own property `key` of `value`, or undefined. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/**
 * Follows own properties (and array indexes) along `keys`. The walk is written out here rather
 * than handed to atPath, so that once `at` is inlined the rest array need not be allocated.
 */
export function at(value: unknown, ...keys: readonly (string | number)[]): unknown {
  let current = value;
  for (let i = 0; i < keys.length && current !== undefined; i++) current = step(current, keys[i]!);
  return current;
}

function atPath(value: unknown, keys: readonly (string | number)[]): unknown {
  let current = value;
  for (let i = 0; i < keys.length && current !== undefined; i++) current = step(current, keys[i]!);
  return current;
}

/** One step of a path: an own property, or an array index within bounds. */
function step(current: unknown, key: string | number): unknown {
  if (typeof key !== "number") return field(current, key);
  return Array.isArray(current) && key >= 0 && key < current.length ? current[key] : undefined;
}

/** No event read yet: a value no payload can hold. */
const NOTHING = Symbol("nothing");

/**
 * `read`, answering again for the same event without reading it again: the engine runs a plugin's
 * readers one after another for each event, and several of them often derive the same value (its
 * event name, the object it wraps). Only the last event's answer is held.
 */
export function perEvent<T>(read: (raw: unknown) => T): (raw: unknown) => T {
  let last: unknown = NOTHING;
  let answer: T;
  return (raw) => {
    if (raw !== last) {
      answer = read(raw);
      last = raw;
    }
    return answer;
  };
}

/** The first of several candidate paths that holds a value. */
export function firstAt(value: unknown, paths: readonly (readonly (string | number)[])[]): unknown {
  for (const path of paths) {
    const found = atPath(value, path);
    if (found !== undefined && found !== null && found !== "") return found;
  }
  return undefined;
}

/** A non-empty string, or a finite number written as one; anything else is undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A non-negative safe integer from a number or a decimal string ("5"). */
export function count(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Lower-cased string, for enum-like provider values compared case-insensitively. */
export function lower(value: unknown): string | undefined {
  return typeof value === "string" ? value.toLowerCase() : undefined;
}

/** Joins the present parts with "; " (for `response`), or undefined when none is present. */
export function joinParts(parts: readonly (string | undefined)[]): string | undefined {
  let joined: string | undefined;
  for (const part of parts) if (part !== undefined && part !== "") joined = appendPart(joined, part);
  return joined;
}

function appendPart(joined: string | undefined, part: string): string {
  return joined === undefined ? part : `${joined}; ${part}`;
}

/**
 * `joined` with "label: value" after a "; ", as joinParts and describeFields write them, or
 * `joined` as it is when `value` is absent: for a `response` built a labelled part at a time.
 */
export function appendLabelled(joined: string | undefined, label: string, value: string | undefined): string | undefined {
  return value === undefined ? joined : appendPart(joined, `${label}: ${value}`);
}

/** Candidate paths per label: the first path holding text wins for that label. */
export type FieldTable = Readonly<Record<string, readonly (readonly (string | number)[])[]>>;

/**
 * "label: value; label: value" for each label whose candidate paths hold text in `value`, or else
 * in `fallback`. Used for `response`, where providers put bounce reasons, SMTP replies and clicked
 * URLs under many names and at more than one depth.
 */
export function describeFields(value: unknown, table: FieldTable, fallback?: unknown): string | undefined {
  let described: string | undefined;
  for (const label in table) {
    const paths = table[label]!;
    const found = text(firstAt(value, paths)) ?? (fallback === undefined ? undefined : text(firstAt(fallback, paths)));
    described = appendLabelled(described, label, found);
  }
  return described;
}

/** Tags as a list of non-empty strings, from a list or a single string; undefined when there are none. */
export function textList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const t = text(item);
    if (t !== undefined) out.push(t);
  }
  return out.length === 0 ? undefined : out;
}

/**
 * Metadata (custom arguments, user variables) as text values: numbers and booleans written as
 * text, nested values as JSON. Keys are defined as own data properties, so a payload key
 * `__proto__` is a key like any other and never a prototype.
 */
export function textMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  let out: Record<string, string> | undefined;
  for (const key of Object.keys(value)) out = withMetadata(out, key, value[key]);
  return out;
}

/**
 * textMap's step, for metadata gathered from several places (SendGrid's top-level custom args,
 * then `unique_args`, then `custom_args`): `out`, made when first needed, with `key` set to
 * `value` as text; an empty key, null and undefined leave `out` as it is.
 */
export function withMetadata(out: Record<string, string> | undefined, key: string, value: unknown): Record<string, string> | undefined {
  if (key === "" || value === undefined || value === null) return out;
  const written = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  const target = out ?? {};
  setOwn(target, key, written);
  return target;
}

/** Sets `key` of `details` when `value` is present: details without absent fields are kept as they are. */
export function setDetail<K extends keyof EventDetails>(details: EventDetails, key: K, value: EventDetails[K] | undefined): void {
  if (value !== undefined) details[key] = value;
}

/**
 * Sets an own, enumerable, writable property. Only `__proto__` needs defineProperty (assigning it
 * would set the prototype); any other key is assigned, which creates the same property on a plain
 * object for less.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `value` when it is at most `max` UTF-16 units long (see WIRE_LIMITS), else undefined. */
export function fitting(value: string | undefined, max: number): string | undefined {
  return value !== undefined && value.length <= max ? value : undefined;
}

/** Metadata without the entries longer than the wire schema takes; undefined when none is left. */
export function fittingMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const key of Object.keys(map ?? {})) {
    const value = map![key]!;
    if (key.length > WIRE_LIMITS.metadataKey || value.length > WIRE_LIMITS.metadataValue) continue;
    // setOwn, so a sender's key `__proto__` stays a key.
    setOwn((out ??= {}), key, value);
  }
  return out;
}

/** Tags without those longer than the wire schema takes, at most as many as it takes; undefined when none is left. */
export function fittingList(list: readonly string[] | undefined): string[] | undefined {
  const kept = list?.filter((item) => item.length <= WIRE_LIMITS.tag).slice(0, WIRE_LIMITS.tags);
  return kept === undefined || kept.length === 0 ? undefined : kept;
}

/** A message id without the angle brackets mail headers put around it (`<id@host>` -> `id@host`). */
export function messageId(value: unknown): string | undefined {
  const id = text(value)?.trim();
  if (id === undefined || id === "") return undefined;
  return id.length > 2 && id.startsWith("<") && id.endsWith(">") ? id.slice(1, -1) : id;
}

/**
 * The SMTP reply code and RFC 3463 enhanced status a receiving server's reply starts with
 * ("550 5.1.1 user unknown" -> 550, 5.1.1), each only when present.
 */
export function smtpCodes(reply: unknown): { smtpCode?: string; enhancedStatus?: string } {
  const t = text(reply);
  if (t === undefined) return {};
  const m = /^\s*(?:([2-5]\d\d)(?:[\s-]+|$))?(?:#?([245]\.\d{1,3}\.\d{1,3})\b)?/.exec(t);
  const out: { smtpCode?: string; enhancedStatus?: string } = {};
  if (m?.[1] !== undefined) out.smtpCode = m[1];
  if (m?.[2] !== undefined) out.enhancedStatus = m[2];
  return out;
}
