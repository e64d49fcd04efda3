import { STATUSES } from "@tidings/core";
import { EventBodySchema, EventDetailsSchema, StatusSchema, WebhookResultDtoSchema } from "@tidings/core/schemas";
import { z } from "zod";
import { consolePaths } from "./console/openapi.js";
import { SESSION_COOKIE } from "./console/session.js";
import { ConsoleEventsSchema, IntegrationsSchema, KeptEventsSchema, RejectedCallsSchema, SessionSchema, SignInSchema, StatsSchema } from "./console/schemas.js";
import { INBOUND_PREFIX } from "./http/routes.js";
import { AttemptSchema, CONSOLE_HEADER, DEFAULT_DELIVERY_PAGE, SubscriptionListSchema, SubscriptionViewSchema, DeliveryPageSchema, DeliverySchema, DeliveryStateSchema, MAX_DELIVERY_PAGE, ReplayRequestSchema, ReplayResultSchema, RetryResultSchema, type DeliveriesQuerySchema } from "./outbound/schemas.js";
import { MAX_TIMELINE } from "./store/store.js";
import { ErrorBodySchema as ErrorSchema, HttpErrorCodeSchema } from "./receiver/errors.js";
import { DEFAULT_PAGE, FeedItemSchema, FeedPageSchema, type FeedQuerySchema, MAX_PAGE, MAX_QUERY_VALUE, TimelineSchema } from "./receiver/feed-schemas.js";

/** OpenAPI 3.1 for the receiver, built from the same zod schemas that define the wire types. */

const queryValue = (description: string, schema: Record<string, unknown> = {}) => ({ type: "string", maxLength: MAX_QUERY_VALUE, ...schema, description });

/** The feed's query parameters, one per key of FeedQuerySchema (a test holds them equal). */
export const FEED_PARAMETERS: Record<keyof z.infer<typeof FeedQuerySchema>, Record<string, unknown>> = {
  after: queryValue("A `next` cursor from the previous page"),
  limit: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
  status: queryValue(`One status, or several separated by commas (any of them): ${STATUSES.join(", ")}`, { examples: ["bounced,blocked"] }),
  externalId: queryValue("The provider's message id (event.externalId)"),
  correlationId: queryValue("The sender's correlation id"),
  recipient: queryValue("The recipient (details.recipient), exactly as stored"),
  since: queryValue("Events whose provider time (event.date) is at or after this ISO 8601 instant", { format: "date-time" }),
  until: queryValue("Events whose provider time (event.date) is before this ISO 8601 instant", { format: "date-time" }),
};

/** The delivery list's query parameters, one per key of DeliveriesQuerySchema (a test holds them equal). */
export const DELIVERY_PARAMETERS: Record<keyof z.infer<typeof DeliveriesQuerySchema>, Record<string, unknown>> = {
  before: { type: "string", pattern: "^\\d{1,16}$", description: "A `next` value from the previous page: older deliveries" },
  limit: { type: "integer", minimum: 1, maximum: MAX_DELIVERY_PAGE, default: DEFAULT_DELIVERY_PAGE },
  state: { type: "string", enum: DeliveryStateSchema.options, description: "Only deliveries in this state" },
};

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(StatusSchema, { id: "Status" });
  registry.add(EventBodySchema, { id: "EventBody" });
  registry.add(WebhookResultDtoSchema, { id: "WebhookResultDto" });
  registry.add(EventDetailsSchema, { id: "EventDetails" });
  registry.add(FeedItemSchema, { id: "FeedItem" });
  registry.add(TimelineSchema, { id: "Timeline" });
  registry.add(HttpErrorCodeSchema, { id: "ErrorCode" });
  registry.add(ErrorSchema, { id: "Error" });
  registry.add(FeedPageSchema, { id: "FeedPage" });
  registry.add(SignInSchema, { id: "ConsoleSignIn" });
  registry.add(SessionSchema, { id: "ConsoleSession" });
  registry.add(IntegrationsSchema, { id: "ConsoleIntegrations" });
  registry.add(ConsoleEventsSchema, { id: "ConsoleEvents" });
  registry.add(StatsSchema, { id: "ConsoleStats" });
  registry.add(RejectedCallsSchema, { id: "ConsoleRejectedCalls" });
  registry.add(KeptEventsSchema, { id: "ConsoleKeptEvents" });
  registry.add(SubscriptionViewSchema, { id: "Subscription" });
  registry.add(SubscriptionListSchema, { id: "SubscriptionList" });
  registry.add(AttemptSchema, { id: "DeliveryAttempt" });
  registry.add(DeliverySchema, { id: "Delivery" });
  registry.add(DeliveryPageSchema, { id: "DeliveryPage" });
  registry.add(ReplayRequestSchema, { id: "ReplayRequest" });
  registry.add(ReplayResultSchema, { id: "ReplayResult" });
  registry.add(RetryResultSchema, { id: "RetryResult" });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", uri: (id) => `#/components/schemas/${id}` });
  for (const schema of Object.values(schemas)) delete (schema as Record<string, unknown>).$schema;
  return schemas;
}

const INBOUND = `${INBOUND_PREFIX}/{environmentId}/{integrationId}`;
const SUBSCRIPTION = "/v2/environments/{environmentId}/subscriptions/{subscriptionId}";
const subscriptionParams = [
  { name: "environmentId", in: "path", required: true, schema: { type: "string" }, description: "The environment identifier" },
  { name: "subscriptionId", in: "path", required: true, schema: { type: "string" }, description: "The subscription's id in the configuration" },
];
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const pathParams = [
  { name: "environmentId", in: "path", required: true, schema: { type: "string" }, description: "The environment identifier" },
  { name: "integrationId", in: "path", required: true, schema: { type: "string" }, description: "The integration identifier for the delivery provider" },
];

export function buildOpenApi(serverUrl?: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Tidings receiver",
      version: "0.1.0",
      description: "Delivery-provider webhooks in, normalized delivery events out. The POST endpoint is wire-compatible with Novu's of the same path.",
    },
    ...(serverUrl === undefined ? {} : { servers: [{ url: serverUrl }] }),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        ApiKey: { type: "apiKey", in: "header", name: "Authorization", description: 'The environment key as "ApiKey <key>" (or "Bearer <key>")' },
        ProviderBasicAuth: { type: "http", scheme: "basic", description: "The credentials the provider was registered with (Everlytic auth_details)" },
        ConsoleSession: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "The console session (POST /console/api/session); also read by the feed and the timeline" },
      },
    },
    paths: {
      [INBOUND]: {
        post: {
          operationId: "InboundWebhooksController_handleWebhook",
          summary: "Track activity and engagement events for a specific delivery provider",
          security: [{ ApiKey: [] }, { ProviderBasicAuth: [] }, {}],
          parameters: [
            ...pathParams,
            { name: "idempotency-key", in: "header", required: false, schema: { type: "string", maxLength: 255 }, description: "A header for idempotency purposes" },
          ],
          requestBody: {
            required: true,
            description: "Webhook event payload from the delivery provider",
            content: {
              "application/json": { schema: {} },
              "application/x-www-form-urlencoded": { schema: { type: "object" } },
              "text/plain": { schema: { type: "string" } },
              "multipart/form-data": { schema: { type: "object" } },
            },
          },
          responses: {
            "200": { description: "Successfully processed webhook events", content: { "application/json": { schema: { type: "array", items: ref("WebhookResultDto") } } } },
            "400": errorResponse("Malformed body or request"),
            "401": errorResponse("Neither the API key nor the provider's credentials verify"),
            "404": errorResponse("Unknown environment or integration"),
            "409": errorResponse("A request with this idempotency-key is in flight"),
            "413": errorResponse("Body over the size limit"),
            "415": errorResponse("Unsupported content type"),
            "422": errorResponse("Idempotency-key reused with another body, or the plugin failed"),
            "503": errorResponse("Storage unavailable; retry"),
          },
        },
      },
      [`${INBOUND}/events`]: {
        get: {
          operationId: "InboundWebhooksController_listEvents",
          summary: "Read normalized events back, in the order they were stored",
          description: "Every filter given must match. Any other query parameter is refused (400 invalid_request), as is a value over 1024 characters.",
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: [
            ...pathParams,
            ...Object.entries(FEED_PARAMETERS).map(([name, { description, ...schema }]) => ({ name, in: "query", required: false, schema, ...(description === undefined ? {} : { description }) })),
          ],
          responses: {
            "200": { description: "A page of events", content: { "application/json": { schema: ref("FeedPage") } } },
            "400": errorResponse("Unknown parameter, invalid cursor, limit, status or date, or a value over 1024 characters"),
            "401": errorResponse("Missing or wrong API key"),
            "404": errorResponse("Unknown environment or integration"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      [`${INBOUND}/messages/{messageId}/events`]: {
        get: {
          operationId: "InboundWebhooksController_messageEvents",
          summary: "Every event of one message, in provider-time order",
          description: `The integration's events whose externalId or correlationId is the id, ordered by event.date then stored order (at most the earliest ${MAX_TIMELINE}).`,
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: [
            ...pathParams,
            { name: "messageId", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: MAX_QUERY_VALUE }, description: "The provider's message id or the sender's correlation id" },
          ],
          responses: {
            "200": { description: "The message's events", content: { "application/json": { schema: ref("Timeline") } } },
            "400": errorResponse("An id over 1024 characters"),
            "401": errorResponse("Missing or wrong API key"),
            "404": errorResponse("Unknown environment or integration"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      ...consolePaths(ref, errorResponse),
      "/v2/environments/{environmentId}/subscriptions": {
        get: {
          operationId: "Subscriptions_list",
          summary: "The environment's subscriptions, each with whether a 410 disabled it and its pending and dead deliveries",
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: [subscriptionParams[0]],
          responses: {
            "200": { description: "The subscriptions, in configuration order", content: { "application/json": { schema: ref("SubscriptionList") } } },
            "401": errorResponse("Missing or wrong API key, and no console session of this environment"),
            "404": errorResponse("Unknown environment"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      [`${SUBSCRIPTION}/deliveries`]: {
        get: {
          operationId: "Deliveries_list",
          summary: "A subscription's deliveries, newest first, each with its attempts",
          description: "Each attempt has its time, the endpoint's status code (null when it did not answer, with the error), the latency and the first 1 KiB of the answer.",
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: [
            ...subscriptionParams,
            ...Object.entries(DELIVERY_PARAMETERS).map(([name, { description, ...schema }]) => ({ name, in: "query", required: false, schema, ...(description === undefined ? {} : { description }) })),
          ],
          responses: {
            "200": { description: "A page of deliveries", content: { "application/json": { schema: ref("DeliveryPage") } } },
            "400": errorResponse("Unknown parameter, or an invalid limit, state or cursor"),
            "401": errorResponse("Missing or wrong API key"),
            "404": errorResponse("Unknown environment or subscription"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      [`${SUBSCRIPTION}/deliveries/{deliveryId}/retry`]: {
        post: {
          operationId: "Deliveries_retry",
          summary: "Queue a dead delivery again (and end the subscription's disabling after a 410)",
          description: `With a console session instead of the API key, send the ${CONSOLE_HEADER} header.`,
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: [...subscriptionParams, { name: "deliveryId", in: "path", required: true, schema: { type: "string" }, description: "The delivery's id" }],
          responses: {
            "200": { description: "Queued: attempted again now", content: { "application/json": { schema: ref("RetryResult") } } },
            "401": errorResponse("Missing or wrong API key"),
            "403": errorResponse(`With a console session only: no ${CONSOLE_HEADER} header and no JSON body`),
            "404": errorResponse("Unknown environment or subscription, or no dead delivery with this id"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      [`${SUBSCRIPTION}/replay`]: {
        post: {
          operationId: "Deliveries_replay",
          summary: "Queue again the events of the subscription's integrations and statuses from a time onward",
          description: "Each replayed event gets a new webhook-id, so endpoints that discard repeats take it.",
          security: [{ ApiKey: [] }, { ConsoleSession: [] }],
          parameters: subscriptionParams,
          requestBody: { required: true, content: { "application/json": { schema: ref("ReplayRequest") } } },
          responses: {
            "200": { description: "How many deliveries were queued", content: { "application/json": { schema: ref("ReplayResult") } } },
            "400": errorResponse("A body that is not JSON or not a replay request"),
            "401": errorResponse("Missing or wrong API key"),
            "403": errorResponse(`With a console session only: no ${CONSOLE_HEADER} header and no JSON body`),
            "404": errorResponse("Unknown environment or subscription"),
            "503": errorResponse("Storage unavailable"),
          },
        },
      },
      "/health": {
        get: {
          operationId: "health",
          description: "With subscriptions configured, `details.outbox` holds the deliveries pending and dead, whether the pending count is over the alarm size (`delivery.outboxAlarm`), and the subscriptions disabled by a 410.",
          responses: { "200": { description: "Serving: a write can be committed now" }, "503": errorResponse("Storage cannot commit a write (down, full, read-only, or its file moved)") },
        },
      },
    },
  };
}
