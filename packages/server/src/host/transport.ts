import { request } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { readBounded } from "@tidings/core";

/**
 * One GET for the host's fetches, bounded in size (the signal bounds the time). Redirects are
 * never followed: the caller refuses any answer but 200, since a redirect could lead off the
 * allow-listed host.
 */
export interface Answer {
  readonly status: number;
  /** The body as UTF-8 text; empty unless the status is 200. */
  readonly text: string;
}

export interface GetOptions {
  readonly signal: AbortSignal;
  readonly maxBytes: number;
}

/** A refusal whose message is safe to show (no stack, no internals). */
export class Refused extends Error {
  override readonly name = "Refused";
}

const HEADERS = { accept: "*/*", "user-agent": "tidings-host" } as const;

/**
 * GET over HTTPS to exactly `address`, the address the caller resolved and checked: the socket's
 * name lookup is pinned to it, so a second DNS answer (rebinding) cannot move the connection,
 * while TLS still checks the certificate against the URL's host name. No connection pooling, so a
 * socket opened for one address never serves another fetch.
 */
export function pinnedGet(url: URL, address: string, options: GetOptions & { readonly ca?: string | readonly string[] }): Promise<Answer> {
  const family = isIP(address);
  // Node asks for every address (`all`) when it races IPv4 and IPv6 (autoSelectFamily).
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: "GET", headers: HEADERS, lookup, agent: false, signal: options.signal, ...(options.ca === undefined ? {} : { ca: typeof options.ca === "string" ? options.ca : [...options.ca] }) },
      (incoming) => {
        const status = incoming.statusCode ?? 0;
        const declared = Number(incoming.headers["content-length"]);
        if (status !== 200 || declared > options.maxBytes) {
          incoming.destroy();
          if (status === 200) reject(new Refused(`the answer is larger than ${options.maxBytes} bytes`));
          else resolve({ status, text: "" });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            outgoing.destroy();
            reject(new Refused(`the answer is larger than ${options.maxBytes} bytes`));
          } else chunks.push(chunk);
        });
        incoming.on("end", () => resolve({ status, text: Buffer.concat(chunks).toString("utf8") }));
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/**
 * The same GET through an injected fetch (tests, hosts with an egress proxy). It connects by
 * itself, so address pinning is then the injected fetch's business.
 */
export async function fetchGet(fetchImpl: typeof fetch, url: URL, options: GetOptions): Promise<Answer> {
  const response = await fetchImpl(url.href, { method: "GET", headers: HEADERS, redirect: "manual", signal: options.signal });
  const declared = Number(response.headers.get("content-length"));
  if (response.status !== 200 || declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 200) throw new Refused(`the answer is larger than ${options.maxBytes} bytes`);
    return { status: response.status, text: "" };
  }
  if (response.body === null) return { status: response.status, text: "" };
  const body = await readBounded(response.body, options.maxBytes);
  if (body === undefined) throw new Refused(`the answer is larger than ${options.maxBytes} bytes`);
  return { status: response.status, text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8") };
}
