import type { Logger } from "pino";
import type { z } from "zod";
import type { ResolvedConfig } from "../config/load.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { subscribes, type ResolvedSubscription } from "../config/subscriptions.js";
import { checkApiKey } from "../receiver/api-key.js";
import { errorResponse } from "../receiver/errors.js";
import type { ReceiverRequest, ReceiverResponse } from "../receiver/http-types.js";
import type { DeliveryView, Outbox } from "../store/outbox.js";
import { StorageUnavailableError, type Store } from "../store/store.js";
import { deliveryBody, messageId, type NewDelivery } from "./payload.js";
import { CONSOLE_HEADER, DEFAULT_DELIVERY_PAGE, DeliveriesQuerySchema, MAX_COUNTED, MAX_REPLAY, ReplayRequestSchema, type DeliverySchema, type SubscriptionViewSchema } from "./schemas.js";

export interface DeliveryOperationsDeps {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Told when jobs were queued, so they are sent without waiting for the next poll. */
  readonly wake: () => void;
}

/** A page of the feed read while replaying. */
const REPLAY_PAGE = 1000;

/**
 * The delivery operations, behind the environment's API key or a console session of that
 * environment, as the feed is: the environment's subscriptions, a subscription's
 * deliveries with their attempts, a dead delivery retried, events replayed from a time onward.
 * Independent of the HTTP framework, as the Receiver is.
 */
export class DeliveryOperations {
  constructor(private readonly deps: DeliveryOperationsDeps) {}

  /** The environment's subscriptions as configured, each with whether a 410 disabled it and its pending and dead counts. */
  async subscriptions(req: ReceiverRequest): Promise<ReceiverResponse> {
    const environment = this.#authorize(req);
    if ("statusCode" in environment) return environment;
    const outbox = this.deps.store.outbox;
    if (outbox === undefined) return errorResponse("storage_unavailable", "this store keeps no delivery outbox");
    const mine = this.deps.config.subscriptions.filter((s) => s.environmentId === environment.id);
    return this.#storage(async () => {
      const [disabled, sizes] = await Promise.all([outbox.disabled(), Promise.all(mine.map((s) => outbox.sizeOf(s.id, MAX_COUNTED)))]);
      const data = mine.map(
        (s, i): z.infer<typeof SubscriptionViewSchema> => ({
          id: s.id,
          url: s.url.href,
          statuses: s.statuses === undefined ? null : [...s.statuses],
          integrations: s.integrations === undefined ? null : [...s.integrations],
          disabled: disabled.get(s.id) ?? null,
          ...sizes[i]!,
        }),
      );
      return { statusCode: 200, body: JSON.stringify({ data }) };
    });
  }

  async list(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locate(req);
    if ("statusCode" in located) return located;
    const parsed = DeliveriesQuerySchema.safeParse(req.query);
    if (!parsed.success) return errorResponse("invalid_request", firstIssue(parsed.error));
    const { before, limit, state } = parsed.data;
    return this.#storage(async () => {
      const page = await located.outbox.list(located.subscription.id, { limit: limit ?? DEFAULT_DELIVERY_PAGE, ...(before === undefined ? {} : { before }), ...(state === undefined ? {} : { state }) });
      return { statusCode: 200, body: JSON.stringify({ data: page.data.map(toWire), next: page.next }) };
    });
  }

  async retry(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locate(req);
    if ("statusCode" in located) return located;
    const id = req.params["deliveryId"] ?? "";
    return this.#storage(async () => {
      if (!(await located.outbox.retry(located.subscription.id, id, this.deps.now().getTime()))) {
        return errorResponse("not_found", "no dead delivery with this id for this subscription");
      }
      this.deps.logger.info({ subscriptionId: located.subscription.id, deliveryId: id }, "dead delivery queued again");
      this.deps.wake();
      return { statusCode: 200, body: JSON.stringify({ id, state: "pending" }) };
    });
  }

  /** Queues again every event of the subscription's integrations and statuses from `since` on (provider time), each under a new webhook-id. */
  async replay(req: ReceiverRequest): Promise<ReceiverResponse> {
    const located = this.#locate(req);
    if ("statusCode" in located) return located;
    let document: unknown;
    try {
      document = JSON.parse(Buffer.from(req.rawBody).toString("utf8"));
    } catch {
      return errorResponse("malformed_body", "expected a JSON body such as {\"since\": \"2026-01-31T09:00:00Z\"}");
    }
    const parsed = ReplayRequestSchema.safeParse(document);
    if (!parsed.success) return errorResponse("invalid_request", firstIssue(parsed.error));
    const limit = parsed.data.limit ?? MAX_REPLAY;
    const since = Date.parse(parsed.data.since);
    const { subscription, outbox } = located;
    const now = this.deps.now();
    const round = `replay ${now.toISOString()}`;
    return this.#storage(async () => {
      const deliveries: NewDelivery[] = [];
      let complete = true;
      for (const integration of this.deps.config.integrations.values()) {
        if (integration.environmentId !== subscription.environmentId || !(subscription.integrations?.has(integration.id) ?? true)) continue;
        const scope = { environmentId: integration.environmentId, integrationId: integration.id };
        let after: string | undefined;
        for (;;) {
          const page = await this.deps.store.feed(scope, {
            since,
            limit: REPLAY_PAGE,
            ...(after === undefined ? {} : { after }),
            ...(subscription.statuses === undefined ? {} : { statuses: [...subscription.statuses] }),
          });
          for (const item of page.data) {
            if (!subscribes(subscription, integration.id, item.event.status)) continue;
            if (deliveries.length === limit) {
              complete = false;
              break;
            }
            const payload = deliveryBody({ ...item, environmentId: scope.environmentId, integrationId: scope.integrationId, provider: item.provider ?? integration.plugin.id });
            deliveries.push({ subscriptionId: subscription.id, messageId: messageId(subscription.id, scope.environmentId, scope.integrationId, item.id, round), ...scope, eventId: item.id, payload });
          }
          if (!complete || page.next === null || page.data.length < REPLAY_PAGE) break;
          after = page.next;
        }
        if (!complete) break;
      }
      const queued = await outbox.enqueue(deliveries, now.getTime());
      this.deps.logger.info({ subscriptionId: subscription.id, since: parsed.data.since, queued, complete }, "events queued again for delivery");
      this.deps.wake();
      return { statusCode: 200, body: JSON.stringify({ queued, complete }) };
    });
  }

  /**
   * The environment named in the path, when the caller holds its API key or a console session of
   * it (as the feed's reader does). A change made with the session alone must also carry the
   * console's header or a JSON body: SameSite=Strict keeps the cookie off cross-site requests, and
   * this second defence holds where it does not (a sibling subdomain, an old browser), since a
   * form can send neither.
   */
  #authorize(req: ReceiverRequest): EnvironmentConfig | ReceiverResponse {
    const environment = this.deps.config.environments.get(req.params["environmentId"] ?? "");
    if (environment === undefined) return errorResponse("environment_not_found", "no such environment");
    const authorization = req.headers["authorization"];
    if (checkApiKey(typeof authorization === "string" ? authorization : authorization?.[0], environment) === "valid") return environment;
    if (req.sessionEnvironmentId !== environment.id) {
      return errorResponse("unauthorized", "delivery operations need this environment's API key or a console session of it");
    }
    if (req.method !== "GET" && req.method !== "HEAD" && req.headers[CONSOLE_HEADER] === undefined && !/^application\/json\b/i.test(headerText(req.headers["content-type"]))) {
      return errorResponse("forbidden", `a change made with a console session needs the ${CONSOLE_HEADER} header or a JSON body`);
    }
    return environment;
  }

  #locate(req: ReceiverRequest): { subscription: ResolvedSubscription; outbox: Outbox } | ReceiverResponse {
    const environment = this.#authorize(req);
    if ("statusCode" in environment) return environment;
    const subscription = this.deps.config.subscriptions.find((s) => s.id === req.params["subscriptionId"] && s.environmentId === environment.id);
    if (subscription === undefined) return errorResponse("not_found", "no such subscription in this environment");
    const outbox = this.deps.store.outbox;
    if (outbox === undefined) return errorResponse("storage_unavailable", "this store keeps no delivery outbox");
    return { subscription, outbox };
  }

  async #storage(run: () => Promise<ReceiverResponse>): Promise<ReceiverResponse> {
    try {
      return await run();
    } catch (thrown) {
      if (!(thrown instanceof StorageUnavailableError)) throw thrown;
      this.deps.logger.error({ err: thrown.message }, "storage unavailable");
      return { ...errorResponse("storage_unavailable", "storage is unavailable; retry later"), headers: { "retry-after": "5" } };
    }
  }
}

function toWire(view: DeliveryView): z.infer<typeof DeliverySchema> {
  return {
    id: view.id,
    messageId: view.messageId,
    environmentId: view.environmentId,
    integrationId: view.integrationId,
    eventId: view.eventId,
    state: view.state,
    attempts: view.attempts.map((attempt) => ({ ...attempt, at: new Date(attempt.at).toISOString() })),
    nextAttemptAt: view.nextAt === null ? null : new Date(view.nextAt).toISOString(),
    createdAt: new Date(view.createdAt).toISOString(),
  };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") return `unknown parameter${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  const name = issue.path[0];
  return name === undefined ? issue.message : `${String(name)}: ${issue.message}`;
}

function headerText(value: string | readonly string[] | undefined): string {
  return typeof value === "string" ? value : (value?.[0] ?? "");
}
