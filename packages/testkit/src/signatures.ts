import { contentTypeHeader } from "./content-type.js";
import { describe, it } from "vitest";
import { basicAuthHeader, basicPairs, inboundRequest, normalize, parseCredentials, type Plugin } from "@tidings/core";
import type { SuiteRequest } from "./checks.js";

/**
 * The shared signature suite: what every signing plugin must refuse, checked through the engine
 * as a host runs it. A plugin's test file calls `testSignatures` with a request its provider
 * signed (from the provider's documentation, or signed in the test with the plugin's own scheme).
 */
export interface SignatureSuiteOptions<Credentials> {
  readonly plugin: Plugin<string, Credentials>;
  /** Credentials as configured (before parsing) under which `validRequest` verifies. */
  readonly credentials: unknown;
  /** Well-formed credentials of the same kind that did not sign `validRequest`. */
  readonly wrongCredentials: unknown;
  readonly now: Date;
  readonly validRequest: SuiteRequest;
  /** Changes what was signed; by default flips one bit in the middle of the body. */
  readonly tamper?: (request: SuiteRequest) => SuiteRequest;
  /** Headers whose removal must fail verification (the signature, its timestamp...). */
  readonly stripHeaders?: readonly string[];
  /** The valid request signed too long ago for the plugin's window. */
  readonly staleRequest?: SuiteRequest;
  /** Checks this plugin is exempt from, each with the reason; never skipped silently. */
  readonly exempt?: Partial<Record<SignatureCheckName, string>>;
}

export const SIGNATURE_CHECK_NAMES = [
  "a validly signed request is verified",
  "wrong credentials are unauthorized",
  "a tampered request is unauthorized",
  "each signed header is required",
  "a stale request is unauthorized",
  "with basic auth configured too, both are required",
] as const;
export type SignatureCheckName = (typeof SIGNATURE_CHECK_NAMES)[number];

export interface SignatureCheck {
  readonly name: SignatureCheckName;
  readonly exempt?: string;
  /** Rejects with the reason when the plugin fails the check. */
  run(): Promise<void>;
}

/** Basic auth the suite adds when the plugin's valid credentials carry none of their own. */
const SUITE_USER = "signature-suite";
const SUITE_PASSWORD = "signature-suite-password";

/**
 * The signature suite as plain functions: `testSignatures` registers them with vitest, and
 * core's own tests run them against broken plugins to prove each check can fail.
 */
export function signatureChecks<Credentials>(options: SignatureSuiteOptions<Credentials>): SignatureCheck[] {
  const { plugin, now, validRequest } = options;
  const parse = (value: unknown, label: string): unknown => {
    const parsed = parseCredentials(plugin, value);
    if (!parsed.ok) throw new Error(`${label}: ${parsed.message}`);
    return parsed.credentials;
  };
  const outcome = async (request: SuiteRequest, credentials: unknown) => {
    const inbound = inboundRequest({ headers: { ...request.headers, "content-type": contentTypeHeader(request) }, body: request.body });
    return await Promise.resolve(normalize(plugin, inbound, { credentials, now }));
  };
  const expectVerified = async (request: SuiteRequest, credentials: unknown, what: string) => {
    const result = await outcome(request, credentials);
    if (!result.ok) throw new Error(`${what} was refused: ${result.error.code}: ${result.error.message}`);
    if (!result.verified) throw new Error(`${what} passed without being verified`);
  };
  const expectUnauthorized = async (request: SuiteRequest, credentials: unknown, what: string) => {
    const result = await outcome(request, credentials);
    if (result.ok) throw new Error(`${what} was accepted (verified: ${result.verified}); it must be unauthorized`);
    if (result.error.code !== "unauthorized") throw new Error(`${what} failed with ${result.error.code} (${result.error.message}), not unauthorized`);
  };
  const valid = () => parse(options.credentials, "credentials");

  const checks: Record<SignatureCheckName, () => Promise<void>> = {
    "a validly signed request is verified": async () => expectVerified(validRequest, valid(), "the valid request"),
    "wrong credentials are unauthorized": async () =>
      expectUnauthorized(validRequest, parse(options.wrongCredentials, "wrongCredentials"), "the valid request under wrongCredentials"),
    "a tampered request is unauthorized": async () => expectUnauthorized((options.tamper ?? flipBodyBit)(validRequest), valid(), "the tampered request"),
    "each signed header is required": async () => {
      const names = options.stripHeaders ?? [];
      if (names.length === 0) throw new Error("no stripHeaders given: name the signed headers, or declare this check exempt with the reason");
      const credentials = valid();
      for (const name of names) {
        const stripped = withoutHeader(validRequest, name);
        if (stripped === undefined) throw new Error(`stripHeaders names "${name}", which the valid request does not carry`);
        await expectUnauthorized(stripped, credentials, `the request without ${name}`);
      }
    },
    "a stale request is unauthorized": async () => {
      if (options.staleRequest === undefined) {
        throw new Error("no staleRequest given: supply one, or declare this check exempt with the reason (the provider signs no time)");
      }
      await expectUnauthorized(options.staleRequest, valid(), "the stale request");
    },
    "with basic auth configured too, both are required": async () => {
      const { credentials, request, pair } = withBasicAuth(options, parse);
      await expectVerified(request, credentials, "the signed request with basic auth");
      await expectUnauthorized(withoutHeader(request, "authorization")!, credentials, "the signed request without basic auth");
      const wrong = { ...request, headers: { ...request.headers, authorization: basicAuthHeader(pair.username, `${pair.password}-wrong`) } };
      await expectUnauthorized(wrong, credentials, "the signed request with a wrong basic auth password");
      await expectUnauthorized((options.tamper ?? flipBodyBit)(request), credentials, "the tampered request with valid basic auth");
    },
  };
  return SIGNATURE_CHECK_NAMES.map((name) => ({ name, exempt: options.exempt?.[name], run: checks[name] }));
}

/**
 * The credentials and request for the combined check: the plugin's own basic auth when its valid
 * credentials have some (the valid request then carries it), otherwise the suite's pair added.
 */
function withBasicAuth<Credentials>(
  options: SignatureSuiteOptions<Credentials>,
  parse: (value: unknown, label: string) => unknown,
): { credentials: unknown; request: SuiteRequest; pair: { username: string; password: string } } {
  const configured = options.credentials as { username?: string | string[]; password?: string | string[] };
  const own = basicPairs(configured);
  if (own !== undefined) {
    if (headerName(options.validRequest, "authorization") === undefined) {
      throw new Error("the credentials configure basic auth, but the valid request carries no Authorization header");
    }
    return { credentials: parse(options.credentials, "credentials"), request: options.validRequest, pair: own[0]! };
  }
  const pair = { username: SUITE_USER, password: SUITE_PASSWORD };
  const credentials = parse({ ...configured, ...pair }, "credentials with basic auth added (the plugin must accept username and password)");
  const request = { ...options.validRequest, headers: { ...options.validRequest.headers, authorization: basicAuthHeader(pair.username, pair.password) } };
  return { credentials, request, pair };
}

function headerName(request: SuiteRequest, name: string): string | undefined {
  return Object.keys(request.headers ?? {}).find((key) => key.toLowerCase() === name.toLowerCase());
}

function withoutHeader(request: SuiteRequest, name: string): SuiteRequest | undefined {
  const key = headerName(request, name);
  if (key === undefined) return undefined;
  const { [key]: _removed, ...headers } = request.headers ?? {};
  return { ...request, headers };
}

/** One bit in the middle of the body, or a byte added to an empty body. */
function flipBodyBit(request: SuiteRequest): SuiteRequest {
  const bytes = typeof request.body === "string" ? new TextEncoder().encode(request.body) : Uint8Array.from(request.body);
  if (bytes.length === 0) return { ...request, body: new Uint8Array([0x20]) };
  bytes[bytes.length >> 1]! ^= 0x01;
  return { ...request, body: bytes };
}

/** Registers the signature suite for one plugin; exemptions show as skipped tests with their reason. */
export function testSignatures<Credentials>(options: SignatureSuiteOptions<Credentials>): void {
  describe(`signature checks: ${options.plugin.id}`, () => {
    for (const check of signatureChecks(options)) {
      if (check.exempt !== undefined) it.skip(`${check.name} (exempt: ${check.exempt})`, () => {});
      else it(check.name, () => check.run());
    }
  });
}
