import { concatBytes, readBounded } from "../bounded-read.js";
import { engineError, type EngineError } from "../errors.js";
import { inboundRequest, type HeadersInput, type InboundRequest } from "../request.js";

/** A body already read: exact bytes or text. Parsed JSON is refused, since signatures cover bytes. */
export type RawBody = Uint8Array | ArrayBuffer | string;

/** Plain input: what any framework can produce from its request object. */
export interface PlainWebhookInput {
  readonly method?: string;
  readonly headers?: HeadersInput;
  readonly body?: RawBody;
}

/**
 * node:http's IncomingMessage (and Express's or Connect's request, which extend it): read from
 * the stream, or from `body` when a raw-body middleware such as `express.raw()` already read it.
 */
export interface NodeWebhookInput {
  readonly method?: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** What a normalizer accepts: a Fetch `Request`, a node request, or plain `{ method, headers, body }`. */
export type WebhookInput = Request | NodeWebhookInput | PlainWebhookInput;

export type ReadInput = { readonly ok: true; readonly request: InboundRequest } | { readonly ok: false; readonly error: EngineError };

/** The embedder wired the request so that its raw bytes are gone (a JSON body parser ran first). */
export class RawBodyUnavailableError extends TypeError {
  override readonly name = "RawBodyUnavailableError";
}

/**
 * Reads any accepted input into the engine's request, never holding more than `maxBytes` of body:
 * a larger body (by content-length or as it streams) is `body_too_large`.
 */
export async function readWebhookInput(input: WebhookInput, maxBytes: number): Promise<ReadInput> {
  const declared = declaredLength(input);
  if (declared !== undefined && declared > maxBytes) return tooLarge(maxBytes);
  let body: Uint8Array | string | undefined;
  if (isFetchRequest(input)) {
    const read = await readFetchBody(input, maxBytes);
    if (read === undefined) return tooLarge(maxBytes);
    body = read;
  } else if (input.body !== undefined && input.body !== null) {
    body = rawBodyOf(input.body);
  } else if (isNodeStream(input)) {
    if ((input as { readableEnded?: unknown }).readableEnded === true) throw new RawBodyUnavailableError(BODY_GONE);
    const read = await readNodeBody(input, maxBytes);
    if (!read.ok) return read;
    body = read.body;
  }
  const request = inboundRequest({ method: input.method ?? "POST", headers: input.headers, body: body ?? new Uint8Array(0) });
  return request.rawBody.byteLength > maxBytes ? tooLarge(maxBytes) : { ok: true, request };
}

function tooLarge(maxBytes: number): ReadInput {
  return { ok: false, error: engineError("body_too_large", `body is larger than ${maxBytes} bytes`) };
}

/** A Fetch Request, also one made by another copy of undici (no shared class to test against). */
function isFetchRequest(input: WebhookInput): input is Request {
  if (typeof Request !== "undefined" && input instanceof Request) return true;
  const candidate = input as Partial<Request>;
  return typeof candidate.arrayBuffer === "function" && typeof candidate.headers?.get === "function";
}

function isNodeStream(input: WebhookInput): input is NodeWebhookInput {
  return typeof (input as NodeWebhookInput).on === "function" && typeof (input as NodeWebhookInput).removeListener === "function";
}

function declaredLength(input: WebhookInput): number | undefined {
  const headers = input.headers;
  let value: string | readonly string[] | null | undefined;
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === "function") value = (headers as Headers).get("content-length");
  else if (!Array.isArray(headers)) value = (headers as Record<string, string | readonly string[] | undefined>)["content-length"];
  if (typeof value !== "string" || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function rawBodyOf(body: unknown): Uint8Array | string {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new RawBodyUnavailableError(BODY_GONE);
}

const BODY_GONE =
  "the request body was already read or parsed, so its exact bytes (which signatures cover) are gone: mount the webhook " +
  "route before any JSON or form body parser, or give it a raw body (express.raw({ type: () => true }))";

function readFetchBody(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  return request.body === null ? Promise.resolve(new Uint8Array(0)) : readBounded(request.body, maxBytes);
}

/**
 * Stops collecting once the body passes the limit but never destroys the stream: node's server
 * discards the rest after the answer is sent, so the caller still gets its 413.
 */
function readNodeBody(stream: NodeWebhookInput, maxBytes: number): Promise<{ ok: true; body: Uint8Array } | { ok: false; error: EngineError }> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const stop = () => {
      stream.removeListener("data", onData);
      stream.removeListener("end", onEnd);
      stream.removeListener("error", onError);
    };
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > maxBytes) {
        stop();
        resolve({ ok: false, error: engineError("body_too_large", `body is larger than ${maxBytes} bytes`) });
      } else chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, body: concatBytes(chunks, size) });
    };
    const onError = (error: Error) => {
      stop();
      resolve({ ok: false, error: engineError("malformed_body", `the request body could not be read: ${error.message}`) });
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
