/**
 * What a host hands the engine: transport-neutral, so the engine never sees an HTTP framework.
 * Header names are lower-cased; values are strings (repeated headers joined by ", ").
 */
export interface InboundRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The media type without parameters, lower-cased (`application/json`), or "" when absent. */
  readonly contentType: string;
  readonly rawBody: Uint8Array;
}

export function mediaType(contentTypeHeader: string | undefined): string {
  if (!contentTypeHeader) return "";
  const semicolon = contentTypeHeader.indexOf(";");
  return (semicolon === -1 ? contentTypeHeader : contentTypeHeader.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * Headers as hosts hold them: a record (node's IncomingHttpHeaders, repeated values as lists), a
 * Fetch `Headers` object, or name/value pairs.
 */
export type HeadersInput =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | Headers
  | Iterable<readonly [string, string]>;

/** Builds an InboundRequest from loosely shaped input (tests, fixtures, other hosts). */
export function inboundRequest(input: { method?: string; headers?: HeadersInput; body: Uint8Array | string }): InboundRequest {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of headerEntries(input.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
  }
  const rawBody = typeof input.body === "string" ? new TextEncoder().encode(input.body) : input.body;
  return { method: (input.method ?? "POST").toUpperCase(), headers, contentType: mediaType(headers["content-type"]), rawBody };
}

/**
 * A Headers object keeps its entries behind its iterator (Object.entries of one is empty, which
 * once turned every header into nothing); Headers, Maps and pairs iterate, records do not.
 */
function headerEntries(headers: HeadersInput | undefined): Iterable<readonly [string, string | readonly string[] | undefined]> {
  if (headers === undefined || headers === null) return [];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") return headers as Iterable<readonly [string, string]>;
  return Object.entries(headers as Record<string, string | readonly string[] | undefined>);
}
