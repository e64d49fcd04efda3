import { createHash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";
import { inboundRequest, toWire, type EngineError, type Handshake, type HostServices, type InboundRequest, type Normalized, type NormalizedResult, type VerifyResult, type WebhookResultDto } from "@tidings/core";
import type { Engine } from "@tidings/core/host";
import type { Logger } from "pino";
import type { z } from "zod";
import { integrationKey, type ResolvedConfig, type ResolvedIntegration } from "../config/load.js";
import { subscribes, type ResolvedSubscription } from "../config/subscriptions.js";
import type { OutboxStatus } from "../outbound/worker.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { InvalidCursorError, StorageUnavailableError, type AcceptedResult, type FeedItem, type Scope, type Store, type StoredRequest } from "../store/store.js";
import { performActions } from "../host/index.js";
import { REDACTED, SECRET_HEADERS } from "../redaction.js";
import { checkApiKey } from "./api-key.js";
import { errorResponse, type HttpErrorCode } from "./errors.js";
import { DEFAULT_PAGE, FeedQuerySchema, MAX_QUERY_VALUE, type FeedItemDto } from "./feed-schemas.js";
import type { ReceiverRequest, ReceiverResponse } from "./http-types.js";

const SECRET: ReadonlySet<string> = new Set(SECRET_HEADERS);
const MAX_IDEMPOTENCY_KEY = 255;

/** Engine error codes and the receiver codes they become. */
const ENGINE_TO_HTTP: Record<EngineError["code"], HttpErrorCode> = {
  unauthorized: "unauthorized",
  malformed_body: "malformed_body",
  body_too_large: "body_too_large",
  unsupported_content_type: "unsupported_content_type",
  plugin_error: "plugin_error",
};

/** The environment and integration a request's path names. */
interface Located {
  readonly scope: Scope;
  readonly environment: EnvironmentConfig;
  readonly integration: ResolvedIntegration;
}

export interface ReceiverDeps {
  readonly config: ResolvedConfig;
  readonly engine: Engine;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly hostServices: HostServices;
  /** Whether plugins' follow-ups (SNS subscription confirmation) are performed. */
  readonly hostActions: boolean;
  /** The delivery worker, when subscriptions are configured: woken after a commit that queued jobs, and its outbox reported by /health. */
  readonly deliveries?: { wake(): void; status(): OutboxStatus | undefined };
}

/**
 * The inbound-webhook endpoint and the feed, independent of any HTTP framework: the HTTP layer
 * turns its requests into ReceiverRequest and writes back the ReceiverResponse.
 */
export class Receiver {
  /** The subscriptions that may take an integration's events, by integrationKey. */
  readonly #subscriptions = new Map<string, readonly ResolvedSubscription[]>();

  constructor(private readonly deps: ReceiverDeps) {
    for (const integration of deps.config.integrations.values()) {
      const taking = deps.config.subscriptions.filter((s) => s.environmentId === integration.environmentId && (s.integrations?.has(integration.id) ?? true));
      if (taking.length > 0) this.#subscriptions.set(integrationKey(integration.environmentId, integration.id), taking);
    }
  }

  async inbound(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locate(req);
    if ("statusCode" in located) return located;
    const { scope, environment, integration } = located;
    const request = inboundRequest({ method: req.method, headers: req.headers, body: req.rawBody });
    const { headers } = request;
    const stored = this.#toStored(request);
    const reject = (code: HttpErrorCode, message: string) => this.#reject(scope, stored, code, message);

    const handshake = this.#handshake(integration, request);
    if (handshake !== undefined) {
      this.deps.logger.info({ ...scope, provider: integration.plugin.id }, `answered a set-up handshake: ${handshake.reason}`);
      return { statusCode: 200, headers: handshake.headers, body: "[]" };
    }
    const apiKey = checkApiKey(headers["authorization"], environment);
    if (apiKey === "invalid") {
      // Not stored: a caller without this environment's key has no claim on its storage.
      this.deps.logger.warn({ ...scope, code: "unauthorized" }, "rejected an API key that is not valid for this environment");
      return errorResponse("unauthorized", "the API key is not valid for this environment");
    }
    // Authorized once, before anything is decoded: API key, then whether the integration can verify
    // at all, then the plugin's own check.
    const authenticated = apiKey === "valid";
    let verification: VerifyResult | undefined;
    if (!authenticated) {
      if (integration.credentials === undefined && !integration.allowUnverified) {
        return reject("unauthorized", "this integration has no provider credentials configured: use the environment's API key, or configure credentials");
      }
      const pending = this.deps.engine.verify(integration.plugin, request, { credentials: integration.credentials });
      verification = pending instanceof Promise ? await pending : pending;
      if (!verification.ok) return reject(ENGINE_TO_HTTP[verification.error.code], verification.error.message);
      if (!verification.verified && !integration.allowUnverified) {
        return reject("unauthorized", `${integration.plugin.displayName} credentials verify nothing here: ${verification.reason}`);
      }
    }
    const outcome = this.deps.engine.run(integration.plugin, request, { credentials: integration.credentials, authenticated, verification });
    if (!outcome.ok) return reject(ENGINE_TO_HTTP[outcome.error.code], outcome.error.message);
    return this.#accept(scope, integration, request, stored, outcome, headers["idempotency-key"]);
  }

  /** Another method than POST on a webhook URL: 405, naming the provider setting that makes it POST. */
  wrongMethod(req: ReceiverRequest): ReceiverResponse {
    const located = this.#locate(req);
    const hint = "statusCode" in located ? undefined : located.integration.plugin.methodHint;
    const message = `${req.method} is not allowed here; providers deliver with POST${hint === undefined ? "" : `: ${hint}`}`;
    return { ...errorResponse("method_not_allowed", message), headers: { allow: "POST, HEAD" } };
  }

  async feed(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locateReader(req);
    if ("statusCode" in located) return located;
    const parsed = FeedQuerySchema.safeParse(req.query);
    if (!parsed.success) return errorResponse("invalid_request", describeIssue(parsed.error));
    const { status, limit, ...filters } = parsed.data;
    try {
      const page = await this.deps.store.feed(located.scope, { ...filters, limit: limit ?? DEFAULT_PAGE, ...(status === undefined ? {} : { statuses: status }) });
      return { statusCode: 200, body: JSON.stringify({ data: page.data.map((item) => toItem(item, located)), next: page.next }) };
    } catch (thrown) {
      if (thrown instanceof InvalidCursorError) return errorResponse("invalid_request", thrown.message);
      return this.#storageDown(thrown);
    }
  }

  /** Every event of one message, by the provider's message id or the sender's correlation id. */
  async timeline(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locateReader(req);
    if ("statusCode" in located) return located;
    const messageId = req.params["messageId"] ?? "";
    if (messageId.length === 0 || messageId.length > MAX_QUERY_VALUE) {
      return errorResponse("invalid_request", `a message id is 1 to ${MAX_QUERY_VALUE} characters`);
    }
    try {
      const items = await this.deps.store.timeline(located.scope, messageId);
      return { statusCode: 200, body: JSON.stringify({ data: items.map((item) => toItem(item, located)) }) };
    } catch (thrown) {
      return this.#storageDown(thrown);
    }
  }

  /** 200 only when a write can be committed now, so that a load balancer takes out an instance that cannot store. */
  async health(): Promise<ReceiverResponse> {
    try {
      const { store } = this.deps;
      await (store.probeWrite === undefined ? store.ping() : store.probeWrite());
      // The outbox's alarm is reported, not failed on: an endpoint being down is no reason to take this instance out.
      const outbox = this.deps.deliveries?.status();
      return { statusCode: 200, body: JSON.stringify(outbox === undefined ? { status: "ok" } : { status: "ok", details: { outbox } }) };
    } catch (thrown) {
      return this.#storageDown(thrown);
    }
  }

  /** The integration a read names, when the caller holds its environment's API key or a console session of that environment. */
  #locateReader(req: ReceiverRequest): Located | ReceiverResponse {
    const located = this.#locate(req);
    if ("statusCode" in located) return located;
    if (req.sessionEnvironmentId === located.scope.environmentId) return located;
    if (checkApiKey(authorizationOf(req), located.environment) !== "valid") {
      return errorResponse("unauthorized", "reading events needs this environment's API key");
    }
    return located;
  }

  #locate(req: ReceiverRequest): Located | ReceiverResponse {
    const environmentId = req.params["environmentId"] ?? "";
    const integrationId = req.params["integrationId"] ?? "";
    const environment = this.deps.config.environments.get(environmentId);
    if (environment === undefined) return errorResponse("environment_not_found", "no such environment");
    const integration = this.deps.config.integrations.get(integrationKey(environmentId, integrationId));
    if (integration === undefined) return errorResponse("integration_not_found", "no such integration in this environment");
    return { scope: { environmentId, integrationId }, environment, integration };
  }

  async #accept(
    scope: Scope,
    integration: ResolvedIntegration,
    request: InboundRequest,
    stored: StoredRequest,
    outcome: Normalized,
    key: string | undefined,
  ): Promise<ReceiverResponse> {
    const response = { statusCode: 200, body: JSON.stringify(answer(outcome.results, integration)) };
    if (key !== undefined) {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
        return errorResponse("invalid_request", `idempotency-key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
      }
      try {
        const claim = await this.deps.store.claimIdempotencyKey(scope, key, fingerprint(request, outcome.body));
        if (claim.kind === "replay") return { ...claim.response, headers: { "idempotency-replay": "true" } };
        if (claim.kind === "in_flight") {
          return { ...errorResponse("idempotency_in_flight", "a request with this idempotency-key is still being processed"), headers: { "retry-after": "1" } };
        }
        if (claim.kind === "fingerprint_mismatch") {
          return errorResponse("idempotency_key_reused", "this idempotency-key was used with a different body");
        }
      } catch (thrown) {
        return this.#storageDown(thrown);
      }
    }
    try {
      await this.deps.store.commitAccepted({
        scope,
        request: stored,
        provider: integration.plugin.id,
        results: this.#forDelivery(scope, withCorrelation(outcome.results, integration.correlationKey)),
        ignored: outcome.ignored,
        unmapped: outcome.unmapped,
        response,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
    } catch (thrown) {
      // The key's claim ended with the failed commit: the client's retry is processed afresh.
      return this.#storageDown(thrown);
    }
    if (this.#subscriptions.has(integrationKey(scope.environmentId, scope.integrationId)) && outcome.results.length > 0) this.deps.deliveries?.wake();
    if (outcome.actions.length > 0) {
      // After the commit, never awaited: a provider's confirmation URL must not hold its own answer.
      void performActions(outcome.actions, this.deps.hostServices, { enabled: this.deps.hostActions, logger: this.deps.logger.child(scope) });
    }
    if (outcome.unmapped.length > 0) {
      this.deps.logger.info({ ...scope, unmapped: outcome.unmapped.length, codes: [...new Set(outcome.unmapped.map((u) => u.code))] }, "kept events that could not be normalized");
    }
    return response;
  }

  /**
   * A provider's set-up probe (RingCentral's Validation-Token), answered before authorization: it
   * carries no events and reveals nothing the caller did not send. Headers that could not be
   * written safely make it a normal request, and a plugin that throws here is logged, not fatal.
   */
  #handshake(integration: ResolvedIntegration, request: InboundRequest): Handshake | undefined {
    const { plugin } = integration;
    if (plugin.handshake === undefined) return undefined;
    let handshake: Handshake | undefined;
    try {
      handshake = plugin.handshake(request);
    } catch (thrown) {
      this.deps.logger.warn({ provider: plugin.id, err: thrown instanceof Error ? thrown.message : String(thrown) }, "a plugin's handshake check failed; treated as a normal request");
      return undefined;
    }
    return handshake !== undefined && Object.entries(handshake.headers).every(([name, value]) => isWritableHeader(name, value)) ? handshake : undefined;
  }

  /** Each result with the subscriptions that take it (the store queues a delivery for each new one). */
  #forDelivery(scope: Scope, results: readonly AcceptedResult[]): readonly AcceptedResult[] {
    const taking = this.#subscriptions.get(integrationKey(scope.environmentId, scope.integrationId));
    if (taking === undefined) return results;
    return results.map((result) => {
      const ids = taking.filter((s) => subscribes(s, scope.integrationId, result.event.status)).map((s) => s.id);
      return ids.length === 0 ? result : { ...result, subscriptions: ids };
    });
  }

  /** Kept (bounded retention) so a legitimate caller's request is never lost, then answered. */
  async #reject(scope: Scope, stored: StoredRequest, code: HttpErrorCode, message: string): Promise<ReceiverResponse> {
    this.deps.logger.warn({ ...scope, code }, message);
    try {
      await this.deps.store.recordRejected({ scope, request: stored, code, message });
    } catch (thrown) {
      return this.#storageDown(thrown);
    }
    // Some providers (Amazon SNS) send the credentials of the URL only after a Basic challenge.
    return code === "unauthorized" ? { ...errorResponse(code, message), headers: { "www-authenticate": 'Basic realm="tidings", charset="UTF-8"' } } : errorResponse(code, message);
  }

  #storageDown(thrown: unknown): ReceiverResponse {
    if (!(thrown instanceof StorageUnavailableError)) throw thrown;
    this.deps.logger.error({ err: thrown.message }, "storage unavailable");
    return { ...errorResponse("storage_unavailable", "storage is unavailable; retry later"), headers: { "retry-after": "5" } };
  }

  #toStored(request: InboundRequest): StoredRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = SECRET.has(name) ? REDACTED : value;
    return { method: request.method, contentType: request.contentType, headers, body: request.rawBody, receivedAt: this.deps.now().toISOString() };
  }
}

/** The sender's own id, from the metadata key the integration names. */
export function correlationIdOf(result: NormalizedResult, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const metadata = result.details?.metadata;
  return metadata !== undefined && Object.hasOwn(metadata, key) && metadata[key] !== "" ? metadata[key] : undefined;
}

/** The results with the correlation ids the store indexes; the same array when the integration names no key. */
function withCorrelation(results: readonly NormalizedResult[], key: string | undefined): readonly AcceptedResult[] {
  if (key === undefined) return results;
  return results.map((result) => {
    const correlationId = correlationIdOf(result, key);
    return correlationId === undefined ? result : { ...result, correlationId };
  });
}

/** A stored event as the feed and the timeline answer it; events stored before the provider was kept get the integration's. */
function toItem(item: FeedItem, { scope, integration }: Located): FeedItemDto {
  return {
    id: item.id,
    event: item.event,
    ...(item.details === undefined ? {} : { details: item.details }),
    integrationId: scope.integrationId,
    provider: item.provider ?? integration.plugin.id,
    ...(item.correlationId === undefined ? {} : { correlationId: item.correlationId }),
    receivedAt: item.receivedAt,
  };
}

/** The first problem with a query, named by its parameter. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") return `unknown query parameter${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  const name = issue.path[0];
  return name === undefined ? issue.message : `${String(name)}: ${issue.message}`;
}

/**
 * The Novu-compatible answer. With `responseId: "message"`, each result is keyed as Novu's own
 * tests expect: the sender's correlation id, else the provider's message id, else the event id.
 */
function answer(results: readonly NormalizedResult[], integration: ResolvedIntegration): WebhookResultDto[] {
  const wire = toWire(results);
  if (integration.responseId === "event") return wire;
  return wire.map((result, i) => ({ id: correlationIdOf(results[i]!, integration.correlationKey) ?? result.event.externalId ?? result.id, event: result.event }));
}

/** Same body, same fingerprint: key order in JSON does not matter, and form bodies compare decoded. */
function fingerprint(request: InboundRequest, body: unknown): string {
  return createHash("sha256").update(request.contentType).update("\n").update(stableStringify(body)).digest("base64url");
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const HEADER_VALUE = /^[\x20-\x7e]{1,1024}$/;

/** A token name and a printable value of bounded length: what may be echoed into an answer. */
function isWritableHeader(name: string, value: unknown): boolean {
  return HEADER_NAME.test(name) && typeof value === "string" && HEADER_VALUE.test(value);
}

function authorizationOf(req: ReceiverRequest): string | undefined {
  return single(req.headers["authorization"]);
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}
