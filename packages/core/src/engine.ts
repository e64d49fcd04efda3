import { decodeBody, DEFAULT_DECODE_LIMITS, type Decoded, type DecodeLimits } from "./decode/index.js";
import { arrayElementTexts, memberElementTexts, memberText } from "./decode/array-elements.js";
import { isRecord } from "./read.js";
import { toIsoDate } from "./dates.js";
import { describeThrown, engineError, type EngineError, type EventProblemCode } from "./errors.js";
import { rowHash, type EventHasher } from "./ids.js";
import { NO_HOST_SERVICES, type HostServices } from "./host-services.js";
import { isIgnore, type AnyPlugin, type HostAction, type Ignore, type ReadContext, type VerifyResult } from "./plugin.js";
import type { InboundRequest } from "./request.js";
import type { EventBody, EventDetails, NormalizedResult, WebhookResultDto } from "./schemas.js";
import type { PublishedSchemaName } from "./json-schemas.js";
import { firstError, validatorFor } from "./validate.js";
import { surelyBuiltEventBody, surelyEventDetails } from "./wire-checks.js";
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
  /** The results with their contract v2 details; `toWire` gives the Novu-compatible answer. */
  readonly results: NormalizedResult[];
  readonly ignored: IgnoredEvent[];
  readonly unmapped: UnmappedEvent[];
  /** Follow-ups the plugin asks the host to perform (SNS subscription confirmation). */
  readonly actions: HostAction[];
  /** The decoded body, for hosts that compare bodies (idempotency fingerprints) without decoding again. */
  readonly body: unknown;
}

export type NormalizeOutcome = Normalized | { readonly ok: false; readonly error: EngineError };

export interface NormalizeOptions {
  /** Parsed credentials of the integration (see parseCredentials), or undefined when none are set. */
  readonly credentials?: unknown;
  /** The host already authenticated the caller (an environment ApiKey): skip the plugin's verify. */
  readonly authenticated?: boolean;
  /** The verdict `verifyRequest` already reached for this request: verify is not run again. */
  readonly verification?: VerifyResult;
  /** The clock for verification windows, and the receive time unless `receivedAt` is given. */
  readonly now?: Date;
  /** When the request arrived: the date of events from plugins whose eventTime is "none". */
  readonly receivedAt?: Date;
  readonly limits?: DecodeLimits;
  readonly hash?: EventHasher;
  /** Services for plugins whose verify needs the host (certificates by URL). */
  readonly host?: HostServices;
}

/**
 * The plugin's verdict on a request, guarded: a throwing verify or one that returns no verdict
 * becomes `plugin_error`. Synchronous unless the plugin's verify is (it needs the host).
 */
export function verifyRequest(plugin: AnyPlugin, request: InboundRequest, options: NormalizeOptions = {}): VerifyResult | Promise<VerifyResult> {
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  const context = {
    request,
    credentials: options.credentials,
    now: options.now ?? new Date(),
    body: () => decodeForVerify(plugin, request, limits),
    host: options.host ?? NO_HOST_SERVICES,
  };
  let verdict: VerifyResult | Promise<VerifyResult>;
  try {
    verdict = plugin.verify(context);
  } catch (thrown) {
    return fail(engineError("plugin_error", `verify threw ${describeThrown(thrown)}`, "verify"));
  }
  if (verdict instanceof Promise) {
    return verdict.then(checkVerdict, (thrown: unknown) => fail(engineError("plugin_error", `verify threw ${describeThrown(thrown)}`, "verify")));
  }
  return checkVerdict(verdict);
}

function checkVerdict(result: unknown): VerifyResult {
  if (result === null || typeof result !== "object" || typeof (result as VerifyResult).ok !== "boolean") {
    return fail(engineError("plugin_error", "verify returned no verdict", "verify"));
  }
  const verdict = result as VerifyResult;
  if (!verdict.ok) return fail(verdict.error ?? engineError("unauthorized", "verification failed"));
  return verdict.verified === true ? { ok: true, verified: true } : { ok: true, verified: false, reason: verdict.reason ?? "not verified" };
}

/**
 * Runs one plugin over one request: verification (fail closed) unless already decided, content
 * type, decoding, splitting, mapping, reading fields and details, ids, validation. It never
 * throws: a throwing or misbehaving plugin becomes `plugin_error`, and every raw event ends up in
 * exactly one of results, ignored, unmapped. Plugins whose verify is asynchronous need
 * `normalizeAsync`, or a `verification` from `verifyRequest`.
 */
export function normalize(plugin: AnyPlugin, request: InboundRequest, options: NormalizeOptions = {}): NormalizeOutcome {
  let verdict: VerifyResult | undefined = options.verification;
  if (verdict === undefined && !options.authenticated) {
    const pending = verifyRequest(plugin, request, options);
    if (pending instanceof Promise) {
      pending.catch(() => undefined);
      return fail(engineError("plugin_error", `${plugin.displayName} verifies asynchronously: use normalizeAsync`, "verify"));
    }
    verdict = pending;
  }
  if (verdict !== undefined && !verdict.ok) return verdict;
  return mapRequest(plugin, request, options, verdict?.verified === true);
}

/** `normalize` for any plugin, awaiting verification when the plugin's verify is asynchronous. */
export async function normalizeAsync(plugin: AnyPlugin, request: InboundRequest, options: NormalizeOptions = {}): Promise<NormalizeOutcome> {
  if (options.verification !== undefined || options.authenticated) return normalize(plugin, request, options);
  return normalize(plugin, request, { ...options, verification: await verifyRequest(plugin, request, options) });
}

/** The Novu-compatible answer: exactly `WebhookResultDto[]`, without the contract v2 details. */
export function toWire(results: readonly NormalizedResult[]): WebhookResultDto[] {
  return results.map(({ id, event }) => ({ id, event }));
}

function mapRequest(plugin: AnyPlugin, request: InboundRequest, options: NormalizeOptions, verified: boolean): NormalizeOutcome {
  if (!(plugin.contentTypes as readonly string[]).includes(request.contentType)) {
    return fail(
      engineError("unsupported_content_type", `${plugin.displayName} does not send "${request.contentType || "(none)"}"`, "content-type"),
    );
  }
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  const parsed = decodedByVerify(plugin, request, limits) ?? decodeBody(request, { limits, jsonFormFields: plugin.jsonFormFields ?? [] });
  if (!parsed.ok) return parsed;
  const context: ReadContext = { headers: request.headers, receivedAt: options.receivedAt ?? options.now ?? new Date() };
  const split = guard("split", () => plugin.split(parsed.value, context));
  if (!split.ok) return split;
  if (!Array.isArray(split.value)) return fail(engineError("plugin_error", "split did not return a list", "split"));

  const outcome: Normalized = { ok: true, verified, results: [], ignored: [], unmapped: [], actions: [], body: parsed.value };
  const hash = options.hash === undefined ? rowHash : guardedHasher(options.hash);
  const rawEvents = split.value as readonly unknown[];
  if (rawEvents.length > limits.maxEvents) {
    return fail(engineError("malformed_body", `the body holds ${rawEvents.length} events; at most ${limits.maxEvents} are accepted per request`));
  }
  const rows = sourceRows(parsed, rawEvents);
  for (let i = 0; i < rawEvents.length; i++) mapOne(plugin, rawEvents[i], hash, outcome, context, rows?.[i]);
  if (plugin.actions !== undefined) {
    const actions = guard("actions", () => plugin.actions!(parsed.value, { credentials: options.credentials }));
    if (!actions.ok) return actions;
    if (Array.isArray(actions.value)) outcome.actions.push(...(actions.value as HostAction[]));
  }
  return outcome;
}

/**
 * A body that verify decoded (signatures inside the body, as Mailgun's), kept for the mapping
 * step so it is not decoded twice. Only that rare path writes here: a WeakMap entry per request
 * would cost every request garbage-collection work.
 */
const decodedBodies = new WeakMap<InboundRequest, { readonly plugin: AnyPlugin; readonly limits: DecodeLimits; readonly decoded: Decoded }>();

function decodeForVerify(plugin: AnyPlugin, request: InboundRequest, limits: DecodeLimits): Decoded {
  const cached = decodedByVerify(plugin, request, limits);
  if (cached !== undefined) return cached;
  const decoded = decodeBody(request, { limits, jsonFormFields: plugin.jsonFormFields ?? [] });
  decodedBodies.set(request, { plugin, limits, decoded });
  return decoded;
}

function decodedByVerify(plugin: AnyPlugin, request: InboundRequest, limits: DecodeLimits): Decoded | undefined {
  const cached = decodedBodies.get(request);
  return cached !== undefined && cached.plugin === plugin && cached.limits === limits ? cached.decoded : undefined;
}

/**
 * Rows cut from the body's own JSON text when the events are the body, its top-level array, the
 * array under one of its top-level keys (`{"events": [...]}`), or the one event under such a key
 * (`{"event": {...}}`): the provider's exact text, no re-serialization, and slices that share the
 * body's memory.
 */
function sourceRows(parsed: Decoded & { ok: true }, rawEvents: readonly unknown[]): string[] | undefined {
  const text = parsed.text;
  if (text === undefined) return undefined;
  const body = parsed.value;
  if (rawEvents.length === 1 && rawEvents[0] === body) return [text.trim()];
  let elements: string[] | undefined;
  if (rawEvents === body) elements = arrayElementTexts(text);
  else if (isRecord(body)) {
    const key = keyHolding(body, rawEvents);
    if (key !== undefined) elements = memberElementTexts(text, key);
    else if (rawEvents.length === 1) {
      // One event held under a key of its own (`{"event": {...}}`).
      const own = keyHolding(body, rawEvents[0]);
      const member = own === undefined ? undefined : memberText(text, own);
      elements = member === undefined ? undefined : [member];
    }
  }
  return elements?.length === rawEvents.length ? elements : undefined;
}

/** The top-level key whose value is `value` itself (a plugin's split handing back `body.events` or `body.event`). */
function keyHolding(body: Readonly<Record<string, unknown>>, value: unknown): string | undefined {
  for (const key in body) if (body[key] === value && Object.hasOwn(body, key)) return key;
  return undefined;
}

function mapOne(plugin: AnyPlugin, raw: unknown, hash: EventHasher, out: Normalized, context: ReadContext, knownRow?: string): void {
  const row = knownRow ?? pluginRow(plugin, raw, context) ?? serialize(raw);
  let id: string;
  let name: string | undefined;
  try {
    id = plugin.read.eventId?.(raw, context) ?? hash(row);
    name = plugin.eventName(raw, context);
  } catch (thrown) {
    out.unmapped.push({ id: hash(row), code: "plugin_error", reason: describeThrown(thrown), row });
    return;
  }
  if (typeof id !== "string" || id === "") id = hash(row);
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
  let result: NormalizedResult | undefined;
  try {
    result = readResult(plugin, raw, id, target, row, context);
  } catch (thrown) {
    out.unmapped.push({ id, name, code: "plugin_error", reason: describeThrown(thrown), row });
    return;
  }
  if (result === undefined) {
    out.unmapped.push({ id, name, code: "invalid_event", reason: "the event has no valid date", row });
    return;
  }
  const problem =
    invalidity(surelyBuiltEventBody, "event-body", result.event, "normalized event is invalid") ??
    (result.details === undefined ? undefined : invalidity(surelyEventDetails, "event-details", result.details, "details are invalid"));
  if (problem !== undefined) {
    out.unmapped.push({ id, name, code: "invalid_event", reason: problem, row });
    return;
  }
  out.results.push(result);
}

/**
 * Why `value` does not match the published schema, or undefined when it does. The plain check
 * settles the common case; the compiled validator has the last word and words the error.
 */
function invalidity<T>(surely: (value: T) => boolean, schema: PublishedSchemaName, value: T, label: string): string | undefined {
  if (surely(value)) return undefined;
  const validate = validatorFor(schema);
  return validate(value) ? undefined : `${label}: ${firstError(validate)}`;
}

/** The normalized result, or undefined when the raw event has no usable date. */
function readResult(plugin: AnyPlugin, raw: unknown, id: string, status: Status, row: string, context: ReadContext): NormalizedResult | undefined {
  const { read } = plugin;
  const received = plugin.eventTime === "none";
  const date = received ? toIsoDate(context.receivedAt) : toIsoDate(read.date?.(raw, context));
  if (date === undefined) return undefined;
  const event: EventBody = { status, date };
  const externalId = read.externalId?.(raw, context);
  if (externalId !== undefined) event.externalId = withoutAngleBrackets(externalId);
  const attempts = read.attempts?.(raw, context);
  if (attempts !== undefined) event.attempts = attempts;
  const response = read.response?.(raw, context);
  if (response !== undefined) event.response = response;
  event.row = row;
  const given = read.details?.(raw, context);
  const details = received ? { ...given, dateSource: "received" as const } : given;
  const present = details === undefined || details === null ? undefined : withoutAbsent(details);
  return present === undefined ? { id, event } : { id, event, details: present };
}

/** Message ids travel as `<id@host>` in mail headers; the vocabulary carries the id alone. */
function withoutAngleBrackets(id: string): string {
  return typeof id === "string" && id.charCodeAt(0) === 60 && id.charCodeAt(id.length - 1) === 62 && id.length > 2 ? id.slice(1, -1) : id;
}

/**
 * The details without absent fields (readers write `recipient: text(...)` freely), or undefined
 * when none is present. The reader's object is returned as it is when nothing is absent.
 */
function withoutAbsent(details: EventDetails): EventDetails | undefined {
  let present = 0;
  let absent = 0;
  for (const key in details) {
    if ((details as Record<string, unknown>)[key] === undefined) absent++;
    else present++;
  }
  if (present === 0) return undefined;
  if (absent === 0) return details;
  const out: Record<string, unknown> = {};
  for (const key in details) {
    const value = (details as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as EventDetails;
}

/** Mapping lookups are own-property only: a raw name like "__proto__" or "toString" is just unknown. */
function lookup(plugin: AnyPlugin, name: string): Status | Ignore | undefined {
  const mapping = plugin.mapping as Readonly<Record<string, Status | Ignore>>;
  return Object.hasOwn(mapping, name) ? mapping[name] : undefined;
}

/** The plugin's own text for the event (see EventReaders.row); a throwing reader costs only its row. */
function pluginRow(plugin: AnyPlugin, raw: unknown, context: ReadContext): string | undefined {
  if (plugin.read.row === undefined) return undefined;
  try {
    const row = plugin.read.row(raw, context);
    return typeof row === "string" && row !== "" ? row : undefined;
  } catch {
    return undefined;
  }
}

function serialize(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? "null";
  } catch {
    return String(raw);
  }
}

/** A host's own hasher, held to the engine's promise never to throw: on failure, the row's sha256. */
function guardedHasher(hash: EventHasher): EventHasher {
  return (row) => {
    try {
      const id = hash(row);
      if (typeof id === "string" && id !== "") return id;
    } catch {
      // falls through to the default
    }
    return rowHash(row);
  };
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
