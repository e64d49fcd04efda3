import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { hostAllowed, type FetchPolicy, type FetchTextResult, type HostServices } from "@tidings/core";
import { isPublicAddress } from "./address-policy.js";
import { fetchGet, pinnedGet, Refused, type Answer } from "./transport.js";

/** What the host logs about its fetches and actions (pino's `info(details, message)` fits). */
export interface HostLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface HostServicesOptions {
  /** Answers by URL (a certificate's PEM text), given from configuration: no network for these. */
  readonly certificates?: Readonly<Record<string, string>>;
  /** Replaces the pinned HTTPS GET (tests, egress proxies); it then connects by itself. */
  readonly fetch?: typeof fetch;
  /** Resolves a host name to its addresses (default: the system resolver, every address). */
  readonly lookup?: (hostname: string) => Promise<readonly string[]>;
  /** Largest answer read, in bytes (default 64 KiB); reading stops beyond it. */
  readonly maxBytes?: number;
  /** Time for one fetch, resolution included (default 5 s). */
  readonly timeoutMs?: number;
  /** How long a successful answer is reused (default 1 h). */
  readonly cacheTtlMs?: number;
  /** How long a failure is remembered, so a burst of requests does not become a burst of fetches (default 30 s). */
  readonly failureTtlMs?: number;
  /** Most answers kept; the oldest goes first (default 256). */
  readonly maxCacheEntries?: number;
  readonly logger?: HostLogger;
  /** For tests only: the addresses that may be connected to (default: public unicast ones). */
  readonly addressAllowed?: (address: string) => boolean;
  /** For tests only: CA certificates the pinned HTTPS GET trusts instead of Node's bundled ones. */
  readonly ca?: string | readonly string[];
  readonly now?: () => number;
}

type Limits = { -readonly [K in "maxBytes" | "timeoutMs" | "cacheTtlMs" | "failureTtlMs" | "maxCacheEntries"]-?: number };

export const HOST_SERVICE_DEFAULTS: Readonly<Limits> = Object.freeze({
  maxBytes: 64 * 1024,
  timeoutMs: 5_000,
  cacheTtlMs: 60 * 60 * 1000,
  failureTtlMs: 30_000,
  maxCacheEntries: 256,
});

interface Entry {
  expires: number;
  readonly result: Promise<FetchTextResult>;
}

const SILENT: HostLogger = { info: () => undefined, warn: () => undefined };

async function systemLookup(hostname: string): Promise<readonly string[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

/**
 * The receiver's HostServices: plugins ask for text by URL (Amazon SNS's signing certificates)
 * and the host decides. Configured answers come first, without network. Otherwise only https, a
 * host name the plugin's policy allows, every resolved address public, the connection made to the
 * checked address, no redirects, bounded size and time. Answers are cached by URL; concurrent
 * requests for one URL share one fetch. Never throws: a refusal is a result with the reason.
 */
export function createHostServices(options: HostServicesOptions = {}): HostServices {
  const settings = { ...HOST_SERVICE_DEFAULTS, ...definedOnly(options) };
  const logger = options.logger ?? SILENT;
  const now = options.now ?? Date.now;
  const lookup = options.lookup ?? systemLookup;
  const addressAllowed = options.addressAllowed ?? isPublicAddress;
  const cache = new Map<string, Entry>();

  async function fetchFresh(url: URL, policy: FetchPolicy): Promise<FetchTextResult> {
    const signal = AbortSignal.timeout(settings.timeoutMs);
    try {
      const addresses = await untilAborted(lookup(url.hostname), signal);
      if (addresses.length === 0) throw new Refused(`${url.hostname} has no address`);
      const refused = addresses.find((address) => !addressAllowed(address));
      if (refused !== undefined) throw new Refused(`${url.hostname} resolves to ${refused}, which is not a public address`);
      const get = { signal, maxBytes: settings.maxBytes };
      const answer: Answer =
        options.fetch === undefined ? await pinnedGet(url, addresses[0]!, { ...get, ...(options.ca === undefined ? {} : { ca: options.ca }) }) : await fetchGet(options.fetch, url, get);
      if (answer.status !== 200) {
        throw new Refused(answer.status >= 300 && answer.status < 400 ? `answered a redirect (${answer.status}), which is not followed` : `answered ${answer.status}`);
      }
      logger.info({ url: shown(url), purpose: policy.purpose, bytes: Buffer.byteLength(answer.text) }, "fetched for a plugin");
      return { ok: true, text: answer.text };
    } catch (thrown) {
      const reason = signal.aborted ? `no answer within ${settings.timeoutMs} ms` : thrown instanceof Refused ? thrown.message : `the fetch failed (${describe(thrown)})`;
      logger.warn({ url: shown(url), purpose: policy.purpose, reason }, "a fetch for a plugin failed");
      return { ok: false, reason: `${shown(url)}: ${reason}` };
    }
  }

  function cached(url: URL, policy: FetchPolicy): Promise<FetchTextResult> {
    const key = url.href;
    const hit = cache.get(key);
    if (hit !== undefined && now() < hit.expires) return hit.result;
    cache.delete(key);
    while (cache.size >= settings.maxCacheEntries) cache.delete(cache.keys().next().value!);
    const entry: Entry = { expires: Number.POSITIVE_INFINITY, result: fetchFresh(url, policy) };
    cache.set(key, entry);
    void entry.result.then((result) => {
      entry.expires = now() + (result.ok ? settings.cacheTtlMs : settings.failureTtlMs);
    });
    return entry.result;
  }

  return {
    async fetchText(url: string, policy: FetchPolicy): Promise<FetchTextResult> {
      const checked = checkPolicy(url, policy);
      if (!checked.ok) {
        logger.warn({ url: safeText(url), purpose: policy.purpose, reason: checked.reason }, "refused a fetch for a plugin");
        return checked;
      }
      const configured = options.certificates;
      if (configured !== undefined && Object.hasOwn(configured, url)) return { ok: true, text: configured[url]! };
      return cached(checked.url, policy);
    },
  };
}

/** https, no credentials or other port, a host name (never an address literal) the policy allows. */
function checkPolicy(url: string, policy: FetchPolicy): { ok: true; url: URL } | { ok: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `not a URL: ${safeText(url)}` };
  }
  const refuse = (why: string) => ({ ok: false as const, reason: `${shown(parsed)}: ${why}` });
  if (parsed.protocol !== "https:") return refuse("only https is fetched");
  if (parsed.username !== "" || parsed.password !== "") return refuse("a URL with credentials is not fetched");
  if (parsed.port !== "") return refuse("only the default https port is fetched");
  if (isIP(parsed.hostname.replace(/^\[|\]$/g, "")) !== 0) return refuse("an address is not a host name");
  if (!hostAllowed(parsed.hostname, policy.allowedHosts)) return refuse(`${parsed.hostname} is not allowed for ${policy.purpose}`);
  return { ok: true, url: parsed };
}

/** The URL without its query (SNS puts a confirmation token there), for logs and reasons. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function safeText(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function describe(thrown: unknown): string {
  const error = thrown as { code?: unknown; message?: unknown } | null;
  if (typeof error?.code === "string") return error.code;
  return typeof error?.message === "string" ? error.message : String(thrown);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

function definedOnly(options: HostServicesOptions): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const key of Object.keys(HOST_SERVICE_DEFAULTS) as (keyof Limits)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
