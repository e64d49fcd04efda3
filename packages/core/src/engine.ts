import { decodeBody, DEFAULT_DECODE_LIMITS, type Decoded, type DecodeLimits } from "./decode/index.js";
import { arrayElementTexts } from "./decode/array-elements.js";
import { toIsoDate } from "./dates.js";
import { describeThrown, engineError, type EngineError, type EventProblemCode } from "./errors.js";
import { contentHash, type EventHasher } from "./ids.js";
import { isIgnore, type AnyPlugin, type Ignore } from "./plugin.js";
import type { InboundRequest } from "./request.js";
import type { EventBody, WebhookResultDto } from "./schemas.js";
import { firstError, validatorFor } from "./validate.js";
import type { Status } from "./vocabulary.js";

/** A known event the plugin deliberately maps to no status; kept with its raw content. */
export interface IgnoredEvent {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
  readonly row: string;
}

/** An event that could not be normalized; kept with its raw content and the reason. */
export interface UnmappedEvent {
  readonly id: string;
  readonly name?: string;
  readonly code: EventProblemCode;
  readonly reason: string;
  readonly row: string;
}

export interface Normalized {
  readonly ok: true;
  /** False when the plugin had nothing to check (no credentials) or the host authenticated the call. */
  readonly verified: boolean;
  readonly results: WebhookResultDto[];
  readonly ignored: IgnoredEvent[];
  readonly unmapped: UnmappedEvent[];
  /** The decoded body, for hosts that compare bodies (idempotency fingerprints) without decoding again. */
  readonly body: unknown;
}

export type NormalizeOutcome = Normalized | { readonly ok: false; readonly error: EngineError };

export interface NormalizeOptions {
  /** Parsed credentials of the integration (see parseCredentials), or undefined when none are set. */
  readonly credentials?: unknown;
  /** The host already authenticated the caller (an environment ApiKey): skip the plugin's verify. */
  readonly authenticated?: boolean;
  readonly now?: Date;
  readonly limits?: DecodeLimits;
  readonly hash?: EventHasher;
}

/**
 * Runs one plugin over one request: content type, verification (fail closed), decoding, splitting,
 * mapping, reading fields, ids, validation. It never throws: a throwing or misbehaving plugin
 * becomes `plugin_error`, and every raw event ends up in exactly one of results, ignored, unmapped.
 */
export function normalize(plugin: AnyPlugin, request: InboundRequest, options: NormalizeOptions = {}): NormalizeOutcome {
  if (!(plugin.contentTypes as readonly string[]).includes(request.contentType)) {
    return fail(
      engineError("unsupported_content_type", `${plugin.displayName} does not send "${request.contentType || "(none)"}"`, "content-type"),
    );
  }
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  let decoded: Decoded | undefined;
  const body = (): Decoded => (decoded ??= decodeBody(request, { limits, jsonFormFields: plugin.jsonFormFields ?? [] }));

  let verified = false;
  if (!options.authenticated) {
    const verdict = guard("verify", () =>
      plugin.verify({ request, credentials: options.credentials, now: options.now ?? new Date(), body }),
    );
    if (!verdict.ok) return verdict;
    const result = verdict.value;
    if (result === null || typeof result !== "object" || typeof result.ok !== "boolean") {
      return fail(engineError("plugin_error", "verify returned no verdict", "verify"));
    }
    if (!result.ok) return fail(result.error ?? engineError("unauthorized", "verification failed"));
    verified = result.verified === true;
  }

  const parsed = body();
  if (!parsed.ok) return parsed;
  const split = guard("split", () => plugin.split(parsed.value));
  if (!split.ok) return split;
  if (!Array.isArray(split.value)) return fail(engineError("plugin_error", "split did not return a list", "split"));

  const outcome: Normalized = { ok: true, verified, results: [], ignored: [], unmapped: [], body: parsed.value };
  const hash = options.hash ?? contentHash;
  const rawEvents = split.value as readonly unknown[];
  if (rawEvents.length > limits.maxEvents) {
    return fail(engineError("malformed_body", `the body holds ${rawEvents.length} events; at most ${limits.maxEvents} are accepted per request`));
  }
  const rows = sourceRows(parsed, rawEvents);
  for (let i = 0; i < rawEvents.length; i++) mapOne(plugin, rawEvents[i], hash, outcome, rows?.[i]);
  return outcome;
}

/**
 * Rows cut from the body's own JSON text when the events are the body itself or its top-level
 * array: the provider's exact text, no re-serialization, and slices that share the body's memory.
 */
function sourceRows(parsed: Decoded & { ok: true }, rawEvents: readonly unknown[]): string[] | undefined {
  const text = parsed.text;
  if (text === undefined) return undefined;
  if (rawEvents.length === 1 && rawEvents[0] === parsed.value) return [text.trim()];
  if (rawEvents !== parsed.value) return undefined;
  const elements = arrayElementTexts(text);
  return elements?.length === rawEvents.length ? elements : undefined;
}

function mapOne(plugin: AnyPlugin, raw: unknown, hash: EventHasher, out: Normalized, knownRow?: string): void {
  const row = knownRow ?? serialize(raw);
  let id: string;
  let name: string | undefined;
  try {
    id = plugin.read.eventId?.(raw) ?? hash(raw);
    name = plugin.eventName(raw);
  } catch (thrown) {
    out.unmapped.push({ id: safeHash(hash, raw, row), code: "plugin_error", reason: describeThrown(thrown), row });
    return;
  }
  if (typeof id !== "string" || id === "") id = safeHash(hash, raw, row);
  if (name === undefined || typeof name !== "string") {
    out.unmapped.push({ id, code: "invalid_event", reason: "the event has no recognizable event name", row });
    return;
  }
  const target = lookup(plugin, name);
  if (target === undefined) {
    out.unmapped.push({ id, name, code: "unknown_event", reason: `"${name}" is not an event ${plugin.displayName} documents`, row });
    return;
  }
  if (isIgnore(target)) {
    out.ignored.push({ id, name, reason: target.ignore, row });
    return;
  }
  let event: EventBody | undefined;
  try {
    event = readEvent(plugin, raw, target, row);
  } catch (thrown) {
    out.unmapped.push({ id, name, code: "plugin_error", reason: describeThrown(thrown), row });
    return;
  }
  if (event === undefined) {
    out.unmapped.push({ id, name, code: "invalid_event", reason: "the event has no valid date", row });
    return;
  }
  const validate = validatorFor("event-body");
  if (!validate(event)) {
    out.unmapped.push({ id, name, code: "invalid_event", reason: `normalized event is invalid: ${firstError(validate)}`, row });
    return;
  }
  out.results.push({ id, event });
}

/** The normalized event, or undefined when the raw event has no usable date. */
function readEvent(plugin: AnyPlugin, raw: unknown, status: Status, row: string): EventBody | undefined {
  const { read } = plugin;
  const date = toIsoDate(read.date(raw));
  if (date === undefined) return undefined;
  const event: EventBody = { status, date };
  const externalId = read.externalId?.(raw);
  if (externalId !== undefined) event.externalId = externalId;
  const attempts = read.attempts?.(raw);
  if (attempts !== undefined) event.attempts = attempts;
  const response = read.response?.(raw);
  if (response !== undefined) event.response = response;
  event.row = row;
  return event;
}

/** Mapping lookups are own-property only: a raw name like "__proto__" or "toString" is just unknown. */
function lookup(plugin: AnyPlugin, name: string): Status | Ignore | undefined {
  const mapping = plugin.mapping as Readonly<Record<string, Status | Ignore>>;
  return Object.hasOwn(mapping, name) ? mapping[name] : undefined;
}

function serialize(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? "null";
  } catch {
    return String(raw);
  }
}

function safeHash(hash: EventHasher, raw: unknown, row: string): string {
  try {
    return hash(raw);
  } catch {
    return contentHash(row);
  }
}

function guard<T>(hook: string, run: () => T): { ok: true; value: T } | { ok: false; error: EngineError } {
  try {
    return { ok: true, value: run() };
  } catch (thrown) {
    return fail(engineError("plugin_error", `${hook} threw ${describeThrown(thrown)}`, hook));
  }
}

function fail(error: EngineError): { ok: false; error: EngineError } {
  return { ok: false, error };
}
