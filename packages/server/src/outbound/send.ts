import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress } from "../host/address-policy.js";
import { MAX_KEPT_ANSWER } from "../store/outbox.js";

export interface Delivery {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SendOptions {
  readonly timeoutMs: number;
  /** Loopback, private and link-local addresses allowed (the subscription's allowPrivateNetwork). */
  readonly allowPrivateNetwork: boolean;
  /** Resolves a host name to its addresses (default: the system resolver, every address). */
  readonly lookup?: (hostname: string) => Promise<readonly string[]>;
}

/** What an attempt got: an answer (any status), or the reason there was none. */
export type SendResult =
  | { readonly ok: true; readonly statusCode: number; readonly response: string }
  | { readonly ok: false; readonly error: string };

async function systemLookup(hostname: string): Promise<readonly string[]> {
  return (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

/**
 * One POST of a delivery. The host name is resolved and every address checked against the
 * address policy (unless the subscription allows private networks), and the connection is made to
 * the checked address (a second DNS answer cannot move it); TLS still checks the URL's host name.
 * Redirects are not followed. The answer's first 1 KiB is read, the rest discarded; the whole
 * attempt, resolution included, ends at the timeout. Never throws.
 */
export async function send(delivery: Delivery, options: SendOptions): Promise<SendResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const { url } = delivery;
  try {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const addresses = isIP(host) !== 0 ? [host] : await untilAborted((options.lookup ?? systemLookup)(host), signal);
    if (addresses.length === 0) return { ok: false, error: `${host} has no address` };
    if (!options.allowPrivateNetwork) {
      const refused = addresses.find((address) => !isPublicAddress(address));
      if (refused !== undefined) return { ok: false, error: `${host} resolves to ${refused}, which is not public; allowPrivateNetwork is off` };
    }
    return await post(delivery, addresses[0]!, signal);
  } catch (thrown) {
    return { ok: false, error: signal.aborted ? `no answer within ${options.timeoutMs} ms` : describe(thrown) };
  }
}

function post(delivery: Delivery, address: string, signal: AbortSignal): Promise<SendResult> {
  const family = isIP(address);
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const request = delivery.url.protocol === "https:" ? httpsRequest : httpRequest;
  const body = Buffer.from(delivery.body, "utf8");
  return new Promise<SendResult>((resolve, reject) => {
    const outgoing = request(
      delivery.url,
      {
        method: "POST",
        headers: { ...delivery.headers, "content-type": "application/json", "content-length": String(body.length), "user-agent": "tidings-delivery" },
        lookup,
        agent: false,
        signal,
      },
      (incoming) => {
        const statusCode = incoming.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => resolve({ ok: true, statusCode, response: Buffer.concat(chunks).subarray(0, MAX_KEPT_ANSWER).toString("utf8") });
        incoming.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_KEPT_ANSWER) {
            incoming.destroy();
            finish();
          }
        });
        incoming.on("end", finish);
        incoming.on("error", (error) => (size >= MAX_KEPT_ANSWER ? undefined : reject(error)));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });
}

function describe(thrown: unknown): string {
  const error = thrown as { code?: unknown; message?: unknown };
  return typeof error.code === "string" ? `${error.code}: ${String(error.message)}` : String(error?.message ?? thrown);
}
