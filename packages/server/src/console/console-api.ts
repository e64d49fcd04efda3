import { STATUSES, type Status } from "@tidings/core";
import type { Logger } from "pino";
import type { z } from "zod";
import { integrationKey, type ResolvedConfig } from "../config/load.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { inboundPath } from "../http/routes.js";
import { checkApiKey } from "../receiver/api-key.js";
import { errorResponse } from "../receiver/errors.js";
import type { ReceiverRequest, ReceiverResponse } from "../receiver/http-types.js";
import { describeIssue } from "../receiver/receiver.js";
import { HOUR_MS, hourOf, REJECTED_BODY_LIMIT, type ActivityStore, type ListQuery, type RecentItem } from "../store/activity.js";
import { InvalidCursorError, StorageUnavailableError } from "../store/store.js";
import {
  DEFAULT_CONSOLE_PAGE,
  EventsQuerySchema,
  ListQuerySchema,
  StatsQuerySchema,
  type ConsoleEventSchema,
  type IntegrationViewSchema,
  type KeptEventSchema,
  type RejectedCallSchema,
  type StatsSchema,
} from "./schemas.js";
import { verificationOf } from "./verification.js";

export interface ConsoleRequest extends ReceiverRequest {
  /** The scheme and host the caller reached (`http://127.0.0.1:8787`), for the URLs shown to paste into providers. */
  readonly origin: string;
}

export interface ConsoleDeps {
  readonly config: ResolvedConfig;
  readonly store: ActivityStore;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** Charts cover up to a week per hour; longer ranges per day unless asked. */
const HOURLY_UP_TO_MS = 7 * 24 * HOUR_MS;

/**
 * The console's JSON endpoints, independent of the HTTP framework. Each call names its environment
 * in the path and is answered only for a console session of that environment or its API key.
 */
export class ConsoleApi {
  constructor(private readonly deps: ConsoleDeps) {}

  async integrations(req: ConsoleRequest): Promise<ReceiverResponse> {
    const env = this.#authorize(req);
    if ("statusCode" in env) return env;
    return this.#read(async () => {
      const now = this.deps.now().getTime();
      const [calls, counts] = await Promise.all([
        this.deps.store.lastCalls(env.id),
        this.deps.store.statusCounts(env.id, { fromHour: hourOf(now - 24 * HOUR_MS) + 1, untilHour: hourOf(now) + 1, bucketHours: 1, perIntegration: true }),
      ]);
      const data: z.infer<typeof IntegrationViewSchema>[] = [];
      for (const integration of this.deps.config.integrations.values()) {
        if (integration.environmentId !== env.id) continue;
        const last24h: Partial<Record<Status, number>> = {};
        for (const row of counts) if (row.integrationId === integration.id) last24h[row.status] = (last24h[row.status] ?? 0) + row.count;
        const { verification, note } = verificationOf(integration);
        data.push({
          id: integration.id,
          provider: integration.plugin.id,
          providerName: integration.plugin.displayName,
          url: `${req.origin}${inboundPath(integration.environmentId, integration.id)}`,
          verification,
          verificationNote: note,
          lastCallAt: calls.get(integration.id) ?? null,
          last24h,
          setup: integration.plugin.setup ?? null,
        });
      }
      return { data };
    });
  }

  async events(req: ConsoleRequest): Promise<ReceiverResponse> {
    const env = this.#authorize(req);
    if ("statusCode" in env) return env;
    const parsed = EventsQuerySchema.safeParse(req.query);
    if (!parsed.success) return errorResponse("invalid_request", describeIssue(parsed.error));
    const { integration, status, q, limit, ...rest } = parsed.data;
    const unknown = this.#unknownIntegration(env.id, integration);
    if (unknown !== undefined) return unknown;
    return this.#read(async () => {
      const page = await this.deps.store.recent(env.id, {
        ...rest,
        ...(integration === undefined ? {} : { integrationIds: [integration] }),
        ...(status === undefined ? {} : { statuses: status }),
        ...(q === undefined ? {} : { search: q }),
        limit: limit ?? DEFAULT_CONSOLE_PAGE,
      });
      const data: z.infer<typeof ConsoleEventSchema>[] = page.data.map((item) => this.#event(env.id, item));
      return { data, next: page.next };
    });
  }

  async stats(req: ConsoleRequest): Promise<ReceiverResponse> {
    const env = this.#authorize(req);
    if ("statusCode" in env) return env;
    const parsed = StatsQuerySchema.safeParse(req.query);
    if (!parsed.success) return errorResponse("invalid_request", describeIssue(parsed.error));
    const { integration, since, until } = parsed.data;
    const unknown = this.#unknownIntegration(env.id, integration);
    if (unknown !== undefined) return unknown;
    const bucket = parsed.data.bucket ?? (until - since <= HOURLY_UP_TO_MS ? "hour" : "day");
    const bucketHours = bucket === "day" ? 24 : 1;
    const fromHour = Math.floor(hourOf(since) / bucketHours) * bucketHours;
    const untilHour = Math.ceil(Math.ceil(until / HOUR_MS) / bucketHours) * bucketHours;
    return this.#read(async () => {
      const counts = await this.deps.store.statusCounts(env.id, {
        fromHour,
        untilHour,
        bucketHours,
        perIntegration: false,
        ...(integration === undefined ? {} : { integrationIds: [integration] }),
      });
      const order = (status: Status) => STATUSES.indexOf(status);
      const data = [...counts]
        .sort((a, b) => a.hour - b.hour || order(a.status) - order(b.status))
        .map(({ hour, status, count }) => ({ at: new Date(hour * HOUR_MS).toISOString(), status, count }));
      const answer: z.infer<typeof StatsSchema> = { bucket, since: new Date(fromHour * HOUR_MS).toISOString(), until: new Date(untilHour * HOUR_MS).toISOString(), data };
      return answer;
    });
  }

  async rejected(req: ConsoleRequest): Promise<ReceiverResponse> {
    return this.#list(req, async (environmentId, query) => {
      const page = await this.deps.store.rejected(environmentId, query);
      const data: z.infer<typeof RejectedCallSchema>[] = page.data.map(({ body, bodyBytes, ...call }) => ({
        ...call,
        body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"),
        bodyBytes,
        bodyTruncated: bodyBytes > REJECTED_BODY_LIMIT,
      }));
      return { data, next: page.next };
    });
  }

  async kept(req: ConsoleRequest): Promise<ReceiverResponse> {
    return this.#list(req, async (environmentId, query) => {
      const page = await this.deps.store.kept(environmentId, query);
      const data: z.infer<typeof KeptEventSchema>[] = [...page.data];
      return { data, next: page.next };
    });
  }

  /** A page of one of the environment's lists, read by the query every list takes (integration, before, limit). */
  async #list(req: ConsoleRequest, read: (environmentId: string, query: ListQuery) => Promise<unknown>): Promise<ReceiverResponse> {
    const env = this.#authorize(req);
    if ("statusCode" in env) return env;
    const parsed = ListQuerySchema.safeParse(req.query);
    if (!parsed.success) return errorResponse("invalid_request", describeIssue(parsed.error));
    const { integration, before, limit } = parsed.data;
    const unknown = this.#unknownIntegration(env.id, integration);
    if (unknown !== undefined) return unknown;
    return this.#read(() =>
      read(env.id, {
        ...(integration === undefined ? {} : { integrationIds: [integration] }),
        ...(before === undefined ? {} : { before }),
        limit: limit ?? DEFAULT_CONSOLE_PAGE,
      }),
    );
  }

  /** The environment the path names, when the caller's session is of that environment or it sends its API key. */
  #authorize(req: ConsoleRequest): EnvironmentConfig | ReceiverResponse {
    const environmentId = req.params["environmentId"] ?? "";
    const environment = this.deps.config.environments.get(environmentId);
    if (environment === undefined) return errorResponse("environment_not_found", "no such environment");
    if (req.sessionEnvironmentId === environmentId) return environment;
    const authorization = req.headers["authorization"];
    if (checkApiKey(typeof authorization === "string" ? authorization : undefined, environment) === "valid") return environment;
    return errorResponse("unauthorized", "sign in to the console for this environment, or send its API key");
  }

  #unknownIntegration(environmentId: string, integrationId: string | undefined): ReceiverResponse | undefined {
    if (integrationId === undefined || this.deps.config.integrations.has(integrationKey(environmentId, integrationId))) return undefined;
    return errorResponse("integration_not_found", "no such integration in this environment");
  }

  /** A stored event as the console answers it; events stored before the provider was kept get the integration's. */
  #event(environmentId: string, item: RecentItem): z.infer<typeof ConsoleEventSchema> {
    const provider = item.provider ?? this.deps.config.integrations.get(integrationKey(environmentId, item.integrationId))?.plugin.id ?? "unknown";
    return {
      cursor: item.cursor,
      id: item.id,
      event: item.event,
      ...(item.details === undefined ? {} : { details: item.details }),
      integrationId: item.integrationId,
      provider,
      ...(item.correlationId === undefined ? {} : { correlationId: item.correlationId }),
      receivedAt: item.receivedAt,
    };
  }

  async #read(run: () => Promise<unknown>): Promise<ReceiverResponse> {
    try {
      return { statusCode: 200, body: JSON.stringify(await run()) };
    } catch (thrown) {
      if (thrown instanceof InvalidCursorError) return errorResponse("invalid_request", thrown.message);
      if (!(thrown instanceof StorageUnavailableError)) throw thrown;
      this.deps.logger.error({ err: thrown.message }, "storage unavailable");
      return { ...errorResponse("storage_unavailable", "storage is unavailable; retry later"), headers: { "retry-after": "5" } };
    }
  }
}
