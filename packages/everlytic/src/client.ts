import type { z } from "zod";
import { EverlyticApiError, EverlyticNetworkError, EverlyticValidationError, toValidationResponse } from "./errors.js";
import {
  ErrorResponseSchema,
  StatusSchema,
  WebhookEnvelopeSchema,
  WebhookListSchema,
  WebhookRequestSchema,
  type Webhook,
  type WebhookList,
  type WebhookRequest,
} from "./schemas.js";

export const DEFAULT_BASE_URL = "https://api.everlytic.net";
const WEBHOOKS_PATH = "/transactional/email/v1/webhooks";

export interface EverlyticClientOptions {
  /** The account username; Everlytic's API takes HTTP basic auth of username and API key. */
  readonly username: string;
  readonly apiKey: string;
  readonly baseUrl?: string;
  /** Per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Attempts for requests that are safe to repeat (never a create). */
  readonly attempts?: number;
  /** Delay before the first retry; doubled each time. */
  readonly backoffMs?: number;
  readonly fetch?: typeof fetch;
}

/** What `prepare*` returns: the exact request, for --dry-run and logs (the auth header masked). */
export interface PreparedRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: WebhookRequest;
}

/** Everlytic's server answered a retryable failure, or the network failed: worth one more try when safe. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Warnings for requests that are valid but will not do what they seem to ask. */
export function requestWarnings(request: WebhookRequest): string[] {
  const warnings: string[] = [];
  if (request.settings?.include_html === true) {
    if (request.field_set !== "legacy") warnings.push('include_html has no effect: HTML is only sent in the "legacy" field set');
    if (!request.event_types.includes("sent")) warnings.push('include_html has no effect: HTML is only sent with "sent" events');
  }
  return warnings;
}

/** Checks a webhook request against the document's rules; throws EverlyticValidationError (412 shape). */
export function validateWebhookRequest(input: unknown): WebhookRequest {
  const parsed = WebhookRequestSchema.safeParse(input);
  if (!parsed.success) throw new EverlyticValidationError(toValidationResponse(parsed.error, input));
  return parsed.data;
}

/**
 * Client for Everlytic's transactional webhooks API: create, list, get, update (full replace),
 * delete and reprocess failed deliveries. Requests are validated before sending; answers are
 * parsed with zod; 4xx answers become EverlyticApiError with Everlytic's reasons.
 */
export class EverlyticClient {
  readonly #options: Required<Omit<EverlyticClientOptions, "fetch">> & { fetch: typeof fetch };

  constructor(options: EverlyticClientOptions) {
    this.#options = {
      baseUrl: DEFAULT_BASE_URL,
      timeoutMs: 15_000,
      attempts: 3,
      backoffMs: 250,
      ...options,
      fetch: options.fetch ?? fetch,
    };
  }

  prepareCreate(input: unknown): PreparedRequest {
    return this.#prepare("POST", WEBHOOKS_PATH, validateWebhookRequest(input));
  }

  prepareUpdate(id: string, input: unknown): PreparedRequest {
    return this.#prepare("PUT", `${WEBHOOKS_PATH}/${encodeId(id)}`, validateWebhookRequest(input));
  }

  /** Never retried: a create that timed out may have happened. */
  async create(input: unknown): Promise<Webhook> {
    return this.#send(this.prepareCreate(input), WebhookEnvelopeSchema, false);
  }

  async list(page?: number): Promise<WebhookList> {
    const query = page === undefined ? "" : `?page=${page}`;
    return this.#send(this.#prepare("GET", `${WEBHOOKS_PATH}${query}`), WebhookListSchema, true);
  }

  /** Every webhook, following the pagination to the last page. */
  async listAll(): Promise<Webhook[]> {
    const all: Webhook[] = [];
    for (let page = 1; page <= 1000; page++) {
      const result = await this.list(page);
      all.push(...result.data);
      const last = result.meta?.last_page;
      if (result.data.length === 0 || last === undefined || page >= last) break;
    }
    return all;
  }

  async get(id: string): Promise<Webhook> {
    return this.#send(this.#prepare("GET", `${WEBHOOKS_PATH}/${encodeId(id)}`), WebhookEnvelopeSchema, true);
  }

  /** A full replace with the same body as create, so repeating it is safe. */
  async update(id: string, input: unknown): Promise<Webhook> {
    return this.#send(this.prepareUpdate(id, input), WebhookEnvelopeSchema, true);
  }

  /** `true` when a webhook was deleted, `false` when there was nothing to delete. */
  async delete(id: string): Promise<boolean> {
    const answer = await this.#send(this.#prepare("DELETE", `${WEBHOOKS_PATH}/${encodeId(id)}`), StatusSchema, true);
    return answer.status;
  }

  /** Re-queues the failed deliveries of the past 7 days; not retried, as a repeat would queue twice. */
  async reprocessFailed(): Promise<boolean> {
    const answer = await this.#send(this.#prepare("GET", `${WEBHOOKS_PATH}/failed/reprocess`), StatusSchema, false);
    return answer.status;
  }

  #prepare(method: PreparedRequest["method"], path: string, body?: WebhookRequest): PreparedRequest {
    const credentials = Buffer.from(`${this.#options.username}:${this.#options.apiKey}`).toString("base64");
    const headers: Record<string, string> = { accept: "application/json", authorization: `Basic ${credentials}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    return { method, url: new URL(path, this.#options.baseUrl).toString(), headers, ...(body === undefined ? {} : { body }) };
  }

  async #send<S extends z.ZodType>(request: PreparedRequest, schema: S, safeToRepeat: boolean): Promise<z.output<S>> {
    const attempts = safeToRepeat ? Math.max(1, this.#options.attempts) : 1;
    let lastProblem = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.#options.backoffMs * 2 ** (attempt - 2));
      let response: Response;
      try {
        response = await this.#options.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
      } catch (thrown) {
        lastProblem = describeNetworkFailure(thrown);
        continue;
      }
      const text = await response.text();
      if (response.ok) return parseAnswer(schema, text, response.status);
      if (RETRYABLE_STATUS.has(response.status) && attempt < attempts) {
        lastProblem = `HTTP ${response.status}`;
        continue;
      }
      throw apiError(response.status, text);
    }
    throw new EverlyticNetworkError(`${request.method} ${request.url} failed after ${attempts} attempt(s): ${lastProblem}`);
  }
}

function parseAnswer<S extends z.ZodType>(schema: S, text: string, status: number): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EverlyticApiError(status, `Everlytic answered ${status} with a body that is not JSON`, [], text);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new EverlyticApiError(status, `Everlytic's answer has an unexpected shape: ${parsed.error.issues[0]?.message ?? "invalid"}`, [], json);
  }
  return parsed.data;
}

function apiError(status: number, text: string): EverlyticApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new EverlyticApiError(status, `Everlytic answered ${status}: ${text.slice(0, 200)}`, [], text);
  }
  const parsed = ErrorResponseSchema.safeParse(json);
  if (!parsed.success) return new EverlyticApiError(status, `Everlytic answered ${status}`, [], json);
  return new EverlyticApiError(status, parsed.data.message, parsed.data.error?.errors ?? [], json);
}

function describeNetworkFailure(thrown: unknown): string {
  const error = thrown as Error & { cause?: { code?: string } };
  if (error?.name === "TimeoutError") return "timed out";
  return error?.cause?.code ?? error?.message ?? String(thrown);
}

function encodeId(id: string): string {
  if (id === "") {
    const message = "The id field is required.";
    const detail = { domain: "global", reason: "required", message, locationType: "request", location: "webhookValidation" };
    throw new EverlyticValidationError({ code: 412, message, error: { errors: [detail] } });
  }
  return encodeURIComponent(id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
