import type { ContentType, Decoded } from "./decode/index.js";
import type { EngineError } from "./errors.js";
import type { HostServices } from "./host-services.js";
import type { SchemaLike } from "./lazy-schema.js";
import type { InboundRequest } from "./request.js";
import type { EventDetails } from "./schemas.js";
import { isStatus, type Status } from "./vocabulary.js";

/**
 * The plugin contract. A plugin is a plain object; the host checks `contractVersion` when it
 * registers one and refuses versions it does not know. docs/plugins.md is the author's guide.
 * Version 2 adds details, readers that see the request, asynchronous verification with host
 * services, follow-up actions and handshakes; every version-1 plugin is a valid version-2 host input.
 */
export const CONTRACT_VERSION = 2 as const;
export const CONTRACT_VERSIONS = [1, 2] as const;
export type ContractVersion = (typeof CONTRACT_VERSIONS)[number];

/** An explicit "we know this event and deliberately produce no status for it". */
export interface Ignore {
  readonly ignore: string;
}

export function ignore(reason: string): Ignore {
  return Object.freeze({ ignore: reason });
}

export function isIgnore(value: unknown): value is Ignore {
  return typeof value === "object" && value !== null && typeof (value as Ignore).ignore === "string";
}

/** Raw event name -> status or ignore. Typed by the documented names, so a forgotten one fails to compile. */
export type Mapping<Name extends string> = { readonly [K in Name]: Status | Ignore };

export type VerifyResult =
  | { readonly ok: true; readonly verified: true }
  /** Nothing is configured to check; the host decides whether an unverified integration may pass. */
  | { readonly ok: true; readonly verified: false; readonly reason: string }
  | { readonly ok: false; readonly error: EngineError };

export interface VerifyContext<Credentials> {
  readonly request: InboundRequest;
  readonly credentials: Credentials | undefined;
  readonly now: Date;
  /** The decoded body, for providers that sign inside it (Mailgun). Decoded once, on first call. */
  body(): Decoded;
  /** What a plugin may ask of its host (certificates by URL); plugins do no I/O of their own. */
  readonly host: HostServices;
}

/** What every reader sees besides the raw event: the request's headers and when it arrived. */
export interface ReadContext {
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

export interface EventReaders {
  /**
   * The provider's event time: a Date, epoch number or date text; the engine normalizes it.
   * Omitted only by plugins whose `eventTime` is "none".
   */
  date?(raw: unknown, context: ReadContext): Date | string | number | undefined;
  /** The provider's message id (the id returned at send time), without angle brackets. */
  externalId?(raw: unknown, context: ReadContext): string | undefined;
  attempts?(raw: unknown, context: ReadContext): number | undefined;
  response?(raw: unknown, context: ReadContext): string | undefined;
  /** The provider's own event id, stable across re-deliveries; without one the engine hashes the event. */
  eventId?(raw: unknown, context: ReadContext): string | undefined;
  /** Contract v2: recipient, tags, metadata, reasons... whatever the payload carries. */
  details?(raw: unknown, context: ReadContext): EventDetails | undefined;
  /**
   * Contract v2: the event's `row`, JSON text, for an event the engine cannot cut from the body
   * (one inside a JSON string, as SES's in an SNS Message, or a copy made per recipient), written
   * from text the plugin holds rather than serialized again. Without it, or when it gives no
   * string, the engine serializes the event; an event the body holds as it is gets its own text.
   */
  row?(raw: unknown, context: ReadContext): string | undefined;
}

/**
 * Something only the host may do for a plugin, after the request is stored: Amazon SNS wants its
 * `SubscribeURL` fetched to confirm a subscription. The host enforces `allowedHosts` (patterns
 * such as `sns.*.amazonaws.com`), https, size and time bounds, and may be configured not to act.
 */
export interface HostAction {
  readonly kind: "confirm-subscription";
  readonly url: string;
  readonly allowedHosts: readonly string[];
  readonly description: string;
}

/**
 * A provider's set-up probe that wants a particular answer instead of events: RingCentral echoes
 * `Validation-Token`. Answered 200 with `headers` and no events, before authorization.
 */
export interface Handshake {
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: string;
}

export interface Plugin<Name extends string = string, Credentials = unknown> {
  readonly contractVersion: ContractVersion;
  /** Lower-case kebab id, used in configs and fixture folders (`everlytic-standard`). */
  readonly id: string;
  readonly displayName: string;
  readonly contentTypes: readonly ContentType[];
  /** Form fields whose value is JSON text, decoded by core before `split`. */
  readonly jsonFormFields?: readonly string[];
  /**
   * What an integration configures for this provider (basic auth pairs, a signing key...): a zod
   * schema, or better a lazy one (`credentialsSchema`, `lazySchema`), so that importing the plugin
   * loads no zod.
   */
  readonly credentials: SchemaLike<Credentials>;
  /**
   * Fails closed. May return a promise only when it needs the host (a certificate by URL); the
   * engine keeps the synchronous path for everything else.
   */
  verify(context: VerifyContext<Credentials>): VerifyResult | Promise<VerifyResult>;
  /** The raw event names the provider documents (or that this plugin assumes, said in its README). */
  readonly events: readonly Name[];
  readonly mapping: Mapping<Name>;
  /** Splits a decoded body into raw events; items that are not events are still returned, and reported. */
  split(body: unknown, context: ReadContext): readonly unknown[];
  /** The mapping key of a raw event (may refine the raw name, e.g. `bounce/blocked`), or undefined. */
  eventName(raw: unknown, context: ReadContext): string | undefined;
  readonly read: EventReaders;
  /**
   * Contract v2: "none" when the provider's payloads carry no event time (several SMS status
   * callbacks): `date` is then the receive time and `details.dateSource` says "received".
   */
  readonly eventTime?: "provider" | "none";
  /** Contract v2: follow-ups the host performs after storing the request (see HostAction). */
  actions?(body: unknown, context: { readonly credentials: Credentials | undefined }): readonly HostAction[];
  /** Contract v2: a set-up probe answered before authorization (see Handshake). */
  handshake?(request: InboundRequest): Handshake | undefined;
  /**
   * Contract v2: said in the 405 answer when the provider calls with another method than POST,
   * naming the provider setting that makes it POST.
   */
  readonly methodHint?: string;
  /** Contract v2: the provider-side set-up steps, shown to operators (markdown). */
  readonly setup?: string;
}

/** A plugin of any names and credentials, as hosts hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlugin = Plugin<string, any>;

export class PluginDefinitionError extends Error {
  override readonly name = "PluginDefinitionError";
}

const PLUGIN_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A plugin id is lower-case kebab text (`sendgrid`, `brevo-sms`). */
export function isPluginId(id: string): boolean {
  return PLUGIN_ID.test(id);
}

/**
 * Checks a plugin once, at definition time, so a broken table fails at import rather than on the
 * first webhook: known contract version, a valid id, and a mapping that covers exactly the
 * documented names with vocabulary statuses or explicit ignores.
 */
export function definePlugin<const Name extends string, Credentials>(
  plugin: Plugin<Name, Credentials>,
): Plugin<Name, Credentials> {
  assertPluginShape(plugin);
  return Object.freeze(plugin);
}

export function assertPluginShape(plugin: unknown): asserts plugin is AnyPlugin {
  const p = plugin as Partial<AnyPlugin> | null;
  if (p === null || typeof p !== "object") throw new PluginDefinitionError("a plugin must be an object");
  const label = typeof p.id === "string" ? `plugin "${p.id}"` : "plugin";
  if (!(CONTRACT_VERSIONS as readonly unknown[]).includes(p.contractVersion)) {
    throw new PluginDefinitionError(
      `${label} declares contractVersion ${JSON.stringify(p.contractVersion)}; this core supports ${CONTRACT_VERSIONS.join(" and ")}`,
    );
  }
  if (typeof p.id !== "string" || !isPluginId(p.id)) throw new PluginDefinitionError(`${label}: id must be lower-case kebab text`);
  if (typeof p.displayName !== "string" || p.displayName === "") throw new PluginDefinitionError(`${label}: displayName is required`);
  for (const hook of ["verify", "split", "eventName"] as const) {
    if (typeof p[hook] !== "function") throw new PluginDefinitionError(`${label}: ${hook} must be a function`);
  }
  if (p.eventTime !== undefined && p.eventTime !== "provider" && p.eventTime !== "none") {
    throw new PluginDefinitionError(`${label}: eventTime must be "provider" or "none"`);
  }
  if (p.eventTime !== "none" && typeof p.read?.date !== "function") {
    throw new PluginDefinitionError(`${label}: read.date must be a function (or declare eventTime: "none")`);
  }
  for (const hook of ["actions", "handshake"] as const) {
    if (p[hook] !== undefined && typeof p[hook] !== "function") throw new PluginDefinitionError(`${label}: ${hook} must be a function`);
  }
  if (p.contractVersion === 1 && (p.eventTime !== undefined || p.actions !== undefined || p.handshake !== undefined || p.read?.details !== undefined || p.read?.row !== undefined)) {
    throw new PluginDefinitionError(`${label}: details, row, eventTime, actions and handshake need contractVersion 2`);
  }
  if (!Array.isArray(p.contentTypes) || p.contentTypes.length === 0) throw new PluginDefinitionError(`${label}: contentTypes is empty`);
  if (typeof p.credentials?.safeParse !== "function") throw new PluginDefinitionError(`${label}: credentials must be a zod or lazy schema`);
  if (!Array.isArray(p.events) || p.events.length === 0) throw new PluginDefinitionError(`${label}: events is empty`);
  const mapping = p.mapping as Record<string, unknown> | undefined;
  if (mapping === undefined || typeof mapping !== "object") throw new PluginDefinitionError(`${label}: mapping is missing`);
  for (const name of p.events) {
    if (!Object.hasOwn(mapping, name)) throw new PluginDefinitionError(`${label}: mapping has no entry for "${name}"`);
    const target = mapping[name];
    if (!isStatus(target) && !isIgnore(target)) {
      throw new PluginDefinitionError(`${label}: mapping["${name}"] is neither a status nor ignore(reason)`);
    }
  }
  for (const name of Object.keys(mapping)) {
    if (!p.events.includes(name)) throw new PluginDefinitionError(`${label}: mapping names "${name}", which events does not list`);
  }
}
