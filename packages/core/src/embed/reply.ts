import { toWire, type Normalized, type NormalizeOutcome } from "../engine.js";
import { describeThrown, engineError, type EngineErrorCode } from "../errors.js";
import type { Handshake } from "../plugin.js";
import type { InboundRequest } from "../request.js";
import { readWebhookInput, type WebhookInput } from "./input.js";
import type { Normalizer } from "./normalizer.js";

/** The HTTP status for each engine error code, as the Tidings receiver answers them. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<EngineErrorCode, number>> = Object.freeze({
  unauthorized: 401,
  malformed_body: 400,
  body_too_large: 413,
  unsupported_content_type: 415,
  plugin_error: 422,
});

const REASONS: Readonly<Record<number, string>> = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity" };

/** An HTTP answer any framework can send: a status, headers and a JSON text body. */
export interface WebhookReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The answer for an outcome: 200 with the Novu-compatible `WebhookResultDto[]`, or the error's
 * status with `{ statusCode, error, message, code }`, the receiver's error shape.
 */
export function replyFor(outcome: NormalizeOutcome): WebhookReply {
  if (outcome.ok) return json(200, toWire(outcome.results));
  const status = HTTP_STATUS_BY_CODE[outcome.error.code];
  return json(status, { statusCode: status, error: REASONS[status], message: outcome.error.message, code: outcome.error.code });
}

export interface HandleOptions {
  /**
   * Stores what one request produced: `results`, and also `ignored` and `unmapped`, which carry
   * the raw events the answer leaves out. Awaited before the answer: when it throws, the error
   * propagates and the provider, seeing no 2xx, retries.
   */
  readonly onEvents: (normalized: Normalized) => void | Promise<void>;
}

/**
 * One webhook call, start to answer: POST only, a provider's set-up handshake answered before
 * authorization (as the plugin contract says), otherwise normalized, handed to `onEvents`, answered.
 */
export async function handleWebhook(normalizer: Normalizer, input: WebhookInput, options: HandleOptions): Promise<WebhookReply> {
  const method = (input.method ?? "POST").toUpperCase();
  if (method !== "POST") {
    const status = 405;
    const reply = json(status, { statusCode: status, error: REASONS[status], message: `webhooks are POSTed, not sent with ${method}`, code: "method_not_allowed" });
    return { ...reply, headers: { ...reply.headers, allow: "POST" } };
  }
  if (normalizer.plugin.handshake !== undefined) {
    const read = await readWebhookInput(input, normalizer.limits.maxBytes);
    if (!read.ok) return replyFor(read);
    const handshake = answerHandshake(normalizer, read.request);
    if (handshake !== undefined) return handshake;
    input = { method: read.request.method, headers: read.request.headers, body: read.request.rawBody };
  }
  const outcome = await normalizer.normalize(input);
  if (outcome.ok) await options.onEvents(outcome);
  return replyFor(outcome);
}

function answerHandshake(normalizer: Normalizer, request: InboundRequest): WebhookReply | undefined {
  let handshake: Handshake | undefined;
  try {
    handshake = normalizer.plugin.handshake?.(request);
  } catch (thrown) {
    return replyFor({ ok: false, error: engineError("plugin_error", `handshake threw ${describeThrown(thrown)}`, "handshake") });
  }
  return handshake === undefined ? undefined : { status: 200, headers: { ...handshake.headers }, body: "" };
}

function json(status: number, value: unknown): WebhookReply {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(value) };
}
