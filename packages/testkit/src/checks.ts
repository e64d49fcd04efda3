import { contentTypeHeader } from "./content-type.js";
import fc from "fast-check";
import {
  assertPluginShape,
  encodeForm,
  ENGINE_ERROR_CODES,
  EVENT_PROBLEM_CODES,
  firstError,
  inboundRequest,
  isIgnore,
  normalizeAsync,
  parseCredentials,
  validatorFor,
  zodSchemaOf,
  type ContentType,
  type InboundRequest,
  type NormalizedResult,
  type NormalizeOptions,
  type NormalizeOutcome,
  type Plugin,
} from "@tidings/core";

/** A request as a plugin's arbitraries describe it. */
export interface SuiteRequest {
  readonly contentType: ContentType;
  readonly body: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PluginSuiteOptions<Name extends string, Credentials> {
  readonly plugin: Plugin<Name, Credentials>;
  /**
   * Valid requests carrying raw events whose name is `name`: a documented one, or (for the
   * unknown-name property) any other text. Include whatever auth the credentials below require.
   */
  requestFor(name: string): fc.Arbitrary<SuiteRequest>;
  /** The integration's credentials as configured (checked with the plugin's schema). */
  readonly credentials?: unknown;
  /** The clock for verification windows. */
  readonly now?: Date;
  /** Runs per property (default 100). */
  readonly numRuns?: number;
  /** Checks this plugin is exempt from, each with the reason; never skipped silently. */
  readonly exempt?: Partial<Record<CheckName, string>>;
}

export const CHECK_NAMES = [
  "mapping is total over the documented events",
  "never throws on arbitrary JSON, and every event validates",
  "never throws on arbitrary bytes",
  "never throws on records mixing event names with prototype keys",
  "never throws on arbitrary headers with credentials configured",
  "documented events map to the table's status, with details that fit it",
  "unknown event names land in unmapped",
  "output is deterministic",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface PluginCheck {
  readonly name: CheckName;
  /** Set when the plugin declared an exemption: the reason. */
  readonly exempt?: string;
  /** Throws (with fast-check's counterexample and seed) when the property fails. */
  run(): Promise<void>;
}

const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"] as const;

/**
 * The shared property suite, as plain functions: `testPlugin` registers them with vitest, and
 * core's own tests call them directly to prove a broken plugin fails.
 */
export function pluginChecks<Name extends string, Credentials>(options: PluginSuiteOptions<Name, Credentials>): PluginCheck[] {
  const { plugin } = options;
  const params = { numRuns: options.numRuns ?? 100 };
  // Built now, so that a lazy credentials schema whose definition is wrong fails here.
  zodSchemaOf(plugin.credentials);
  const credentials = parseCredentials(plugin, options.credentials);
  if (!credentials.ok) throw new Error(credentials.message);
  const base: NormalizeOptions = { credentials: credentials.credentials, now: options.now ?? new Date("2026-01-15T10:00:00.000Z") };
  const run = (request: InboundRequest, extra: NormalizeOptions = {}): Promise<NormalizeOutcome> => normalizeAsync(plugin, request, { ...base, ...extra });
  const toRequest = (r: SuiteRequest): InboundRequest =>
    inboundRequest({ headers: { ...r.headers, "content-type": contentTypeHeader(r) }, body: r.body });
  const contentTypes = fc.constantFrom(...plugin.contentTypes);
  const eventTime = plugin.eventTime ?? "provider";
  const documented = fc.constantFrom(...(plugin.events as readonly string[]));

  const checks: Record<CheckName, () => Promise<void>> = {
    "mapping is total over the documented events": async () => {
      assertPluginShape(plugin);
      for (const name of plugin.events) {
        const target: unknown = plugin.mapping[name];
        if (target === undefined) throw new Error(`mapping has no entry for "${name}"`);
      }
    },
    "never throws on arbitrary JSON, and every event validates": async () =>
      fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), contentTypes, async (value, contentType) => {
          const body = contentType === "application/x-www-form-urlencoded" ? encodeForm(value) : JSON.stringify(value);
          assertWellFormed(eventTime, await run(toRequest({ contentType, body }), { authenticated: true }));
        }),
        params,
      ),
    "never throws on arbitrary bytes": async () =>
      fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), contentTypes, async (body, contentType) => {
          assertWellFormed(eventTime, await run(toRequest({ contentType, body }), { authenticated: true }));
        }),
        params,
      ),
    "never throws on records mixing event names with prototype keys": async () =>
      fc.assert(
        fc.asyncProperty(hostileRecords(plugin.events as readonly string[]), async (value) => {
          assertWellFormed(eventTime, await run(toRequest({ contentType: "application/json", body: JSON.stringify(value) }), { authenticated: true }));
          if (plugin.contentTypes.includes("application/x-www-form-urlencoded")) {
            assertWellFormed(eventTime, await run(toRequest({ contentType: "application/x-www-form-urlencoded", body: encodeForm(value) }), { authenticated: true }));
          }
        }),
        params,
      ),
    "never throws on arbitrary headers with credentials configured": async () =>
      fc.assert(
        fc.asyncProperty(
          documented.chain((name) => options.requestFor(name)),
          fc.dictionary(fc.constantFrom("authorization", "x-signature", "x-timestamp", "content-type", "x-anything"), fc.string()),
          async (request, noise) => {
            assertWellFormed(eventTime, await run(toRequest({ ...request, headers: { ...request.headers, ...noise } })));
          },
        ),
        params,
      ),
    "documented events map to the table's status, with details that fit it": async () =>
      fc.assert(
        fc.asyncProperty(documented.chain((name) => options.requestFor(name).map((request) => ({ name, request }))), async ({ name, request }) => {
          const outcome = await run(toRequest(request));
          if (!outcome.ok) throw new Error(`"${name}" request failed: ${outcome.error.code}: ${outcome.error.message}`);
          if (outcome.unmapped.length > 0) throw new Error(`"${name}" left unmapped events: ${outcome.unmapped[0]!.reason}`);
          const target = plugin.mapping[name as Name];
          if (isIgnore(target)) {
            if (outcome.results.length > 0 || outcome.ignored.length === 0) throw new Error(`"${name}" should be ignored`);
          } else {
            if (outcome.results.length === 0) throw new Error(`"${name}" produced no result`);
            for (const result of outcome.results) {
              if (result.event.status !== target) throw new Error(`"${name}" mapped to ${result.event.status}, table says ${target}`);
            }
            assertWellFormed(eventTime, outcome);
          }
        }),
        params,
      ),
    "unknown event names land in unmapped": async () =>
      fc.assert(
        fc.asyncProperty(unknownNames().chain((name) => options.requestFor(name).map((request) => ({ name, request }))), async ({ name, request }) => {
          const outcome = await run(toRequest(request));
          if (!outcome.ok) throw new Error(`unknown "${name}" failed the request: ${outcome.error.code}`);
          if (outcome.results.length > 0 || outcome.ignored.length > 0) throw new Error(`unknown "${name}" was mapped`);
          if (!outcome.unmapped.some((u) => u.code === "unknown_event")) throw new Error(`unknown "${name}" is not reported`);
        }),
        // Every prototype name on every run, not only when the random draw reaches it.
        {
          ...params,
          examples: PROTO_KEYS.map((name): [{ name: string; request: SuiteRequest }] => [{ name, request: fc.sample(options.requestFor(name), { numRuns: 1, seed: 0 })[0]! }]),
        },
      ),
    "output is deterministic": async () =>
      fc.assert(
        fc.asyncProperty(documented.chain((name) => options.requestFor(name)), async (request) => {
          const first = await run(toRequest(request));
          const second = await run(toRequest(request));
          if (JSON.stringify(first) !== JSON.stringify(second)) throw new Error("two runs over the same request differ");
        }),
        params,
      ),
  };
  return CHECK_NAMES.map((name) => ({ name, exempt: options.exempt?.[name], run: checks[name] }));
}

const errorCodes: ReadonlySet<string> = new Set(ENGINE_ERROR_CODES);
const problemCodes: ReadonlySet<string> = new Set(EVENT_PROBLEM_CODES);

/** Statuses a bounce class describes: a receiving server's verdict on a delivery attempt. */
const BOUNCE_STATUSES: ReadonlySet<string> = new Set(["bounced", "deferred", "blocked"]);

/** The outcome shape every plugin must produce, whatever it was fed. */
function assertWellFormed(eventTime: "provider" | "none", outcome: NormalizeOutcome): void {
  if (!outcome.ok) {
    if (!errorCodes.has(outcome.error.code)) throw new Error(`unknown error code ${outcome.error.code}`);
    return;
  }
  const validate = validatorFor("normalized-result");
  for (const result of outcome.results) {
    if (!validate(result)) throw new Error(`result does not validate: ${firstError(validate)}`);
    assertDetailsFit(result, eventTime);
  }
  for (const item of [...outcome.ignored, ...outcome.unmapped]) {
    if (typeof item.id !== "string" || item.id === "" || typeof item.row !== "string") throw new Error("kept event lacks id or row");
  }
  for (const item of outcome.unmapped) {
    if (!problemCodes.has(item.code)) throw new Error(`unknown problem code ${item.code}`);
  }
}

/** Details that contradict their status are a mapping bug: a click URL on a delivery, a bounce class on an open. */
function assertDetailsFit(result: NormalizedResult, eventTime: "provider" | "none"): void {
  const { status } = result.event;
  const details = result.details;
  if (details?.clickUrl !== undefined && status !== "clicked") throw new Error(`${status} event ${result.id} carries clickUrl`);
  if (details?.bounceClass !== undefined && !BOUNCE_STATUSES.has(status)) throw new Error(`${status} event ${result.id} carries bounceClass`);
  const received = details?.dateSource === "received";
  if (received !== (eventTime === "none")) throw new Error(`event ${result.id}: dateSource ${details?.dateSource ?? "(provider)"} with eventTime ${eventTime}`);
}

function hostileRecords(events: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constantFrom("event", "type", "id", "data", "timestamp"), fc.string({ maxLength: 8 }));
  const value = fc.oneof(fc.constantFrom(...events, ...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }));
  const record = fc.dictionary(key, value, { maxKeys: 8 });
  const nested = fc.dictionary(key, fc.oneof(value, record, fc.array(record, { maxLength: 3 })), { maxKeys: 6 });
  return fc.oneof(nested, fc.array(nested, { maxLength: 4 }));
}

function unknownNames(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.stringMatching(/^[a-z_]{1,10}$/).map((s) => `zz_${s}`));
}
