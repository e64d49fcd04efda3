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

/** Builds an InboundRequest from loosely shaped input (tests, fixtures, other hosts). */
export function inboundRequest(input: {
  method?: string;
  headers?: Record<string, string | readonly string[] | undefined>;
  body: Uint8Array | string;
}): InboundRequest {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
  }
  const rawBody = typeof input.body === "string" ? new TextEncoder().encode(input.body) : input.body;
  return { method: (input.method ?? "POST").toUpperCase(), headers, contentType: mediaType(headers["content-type"]), rawBody };
}
