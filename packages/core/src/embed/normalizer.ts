import { parseCredentials } from "../credentials.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../decode/index.js";
import { normalize, verifyRequest, type NormalizeOutcome } from "../engine.js";
import { engineError } from "../errors.js";
import { NO_HOST_SERVICES, type HostServices } from "../host-services.js";
import { assertPluginShape, type Plugin } from "../plugin.js";
import { readWebhookInput, type WebhookInput } from "./input.js";

export interface NormalizerOptions<Credentials> {
  readonly plugin: Plugin<string, Credentials>;
  /**
   * The integration's credentials, typed by the plugin and checked against its schema here, at
   * start: a missing, wrong or misspelled field throws NormalizerConfigError. Inferred from the
   * plugin alone, so a misspelled field is a compile error rather than a widened type.
   */
  readonly credentials?: NoInfer<Credentials>;
  /**
   * Accept calls the plugin could not verify (no credentials configured). Off by default: every
   * unverified call is then `unauthorized`, and a normalizer without credentials refuses to start.
   */
  readonly allowUnverified?: boolean;
  /** Bounds on body size, depth, form parameters and events per request (DEFAULT_DECODE_LIMITS). */
  readonly limits?: Partial<DecodeLimits>;
  /** For plugins whose verify asks the host for something (the SES plugin's SNS certificates). */
  readonly host?: HostServices;
  /** The clock for signature windows and receive times (tests pin it). */
  readonly now?: () => Date;
}

/** One plugin with one set of checked credentials, ready to normalize requests. */
export interface Normalizer {
  readonly plugin: Plugin<string, unknown>;
  readonly limits: DecodeLimits;
  /**
   * Reads, verifies and normalizes one request. Never rejects on bad input (errors are values);
   * it throws RawBodyUnavailableError only when the host wired the route so that the raw body is gone.
   */
  normalize(input: WebhookInput): Promise<NormalizeOutcome>;
}

/** A normalizer's options are wrong: found at start, never on the first webhook. */
export class NormalizerConfigError extends Error {
  override readonly name = "NormalizerConfigError";
}

/**
 * The embedding API: fails closed. Credentials are parsed with the plugin's schema when the
 * normalizer is made (unknown fields are refused even if a plugin's schema would strip them), and
 * a call the plugin could not verify is refused unless `allowUnverified` is set.
 */
export function createNormalizer<Credentials>(options: NormalizerOptions<Credentials>): Normalizer {
  const { plugin } = options;
  try {
    assertPluginShape(plugin);
  } catch (thrown) {
    throw new NormalizerConfigError((thrown as Error).message);
  }
  const credentials = checkedCredentials(plugin, options.credentials);
  const allowUnverified = options.allowUnverified === true;
  if (credentials === undefined && !allowUnverified) {
    throw new NormalizerConfigError(
      `no credentials for ${plugin.id}: every call would be refused as unverified; pass its credentials, or allowUnverified: true`,
    );
  }
  const limits: DecodeLimits = Object.freeze({ ...DEFAULT_DECODE_LIMITS, ...options.limits });
  const host = options.host ?? NO_HOST_SERVICES;
  const clock = options.now ?? (() => new Date());

  return {
    plugin,
    limits,
    async normalize(input) {
      const read = await readWebhookInput(input, limits.maxBytes);
      if (!read.ok) return read;
      const context = { credentials, limits, host, now: clock() };
      const verification = await verifyRequest(plugin, read.request, context);
      if (verification.ok && !verification.verified && !allowUnverified) {
        return { ok: false, error: engineError("unauthorized", `${plugin.displayName}: ${verification.reason}; unverified calls are not allowed`) };
      }
      return normalize(plugin, read.request, { ...context, verification });
    },
  };
}

function checkedCredentials(plugin: Plugin<string, unknown>, given: unknown): unknown {
  const parsed = parseCredentials(plugin, given);
  if (!parsed.ok) throw new NormalizerConfigError(parsed.message);
  const unknown = droppedKeys(given, parsed.credentials);
  if (unknown.length > 0) {
    throw new NormalizerConfigError(`credentials for ${plugin.id} are invalid: unexpected ${unknown.map((key) => `"${key}"`).join(", ")}`);
  }
  return parsed.credentials;
}

/** Keys of the given object that parsing dropped: a non-strict schema strips a misspelling silently. */
function droppedKeys(given: unknown, parsed: unknown): string[] {
  if (!isPlainObject(given) || !isPlainObject(parsed)) return [];
  return Object.keys(given).filter((key) => !Object.hasOwn(parsed, key));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
