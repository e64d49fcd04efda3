import { IsoDate, StatusSchema } from "@tidings/core/schemas";
import { z } from "zod";

/** The wire shapes of the delivery operations; OpenAPI is built from these. */

export const MAX_DELIVERY_PAGE = 200;
export const DEFAULT_DELIVERY_PAGE = 50;
/** The most events one replay call queues, to bound its work; call again from a later time for more. */
export const MAX_REPLAY = 10_000;

/** The header the console sends on its changes; a cross-site form cannot send it. */
export const CONSOLE_HEADER = "x-tidings-console";

/** Pending and dead deliveries are counted up to this many per subscription: a count is a scan. */
export const MAX_COUNTED = 10_000;

export const DeliveryStateSchema = z.enum(["pending", "delivered", "dead"]);

export const DeliveriesQuerySchema = z
  .object({
    before: z.string().regex(/^\d{1,16}$/, "expected a `next` value from the previous page").optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, `expected an integer from 1 to ${MAX_DELIVERY_PAGE}`)
      .transform(Number)
      .pipe(z.int().min(1).max(MAX_DELIVERY_PAGE))
      .optional(),
    state: DeliveryStateSchema.optional(),
  })
  .strict();

export const AttemptSchema = z
  .object({
    at: IsoDate,
    statusCode: z.int().nullable().meta({ description: "The endpoint's status code; null when there was no answer" }),
    latencyMs: z.number().min(0),
    error: z.string().nullable().meta({ description: "Why there was no answer (timeout, connection refused, address refused)" }),
    response: z.string().nullable().meta({ description: "The first 1 KiB of the answer's body" }),
  })
  .strict();

export const DeliverySchema = z
  .object({
    id: z.string(),
    messageId: z.string().meta({ description: "The webhook-id header: the same on every attempt" }),
    environmentId: z.string(),
    integrationId: z.string(),
    eventId: z.string(),
    state: DeliveryStateSchema,
    attempts: z.array(AttemptSchema),
    nextAttemptAt: IsoDate.nullable().meta({ description: "When a pending delivery is next attempted" }),
    createdAt: IsoDate,
  })
  .strict();

export const DeliveryPageSchema = z
  .object({
    data: z.array(DeliverySchema),
    next: z.string().nullable().meta({ description: "Pass as `before` for older deliveries; null at the end" }),
  })
  .strict();

export const ReplayRequestSchema = z
  .object({
    since: z.iso.datetime({ offset: true }).meta({ description: "Events whose provider time (event.date) is at or after this instant are queued again" }),
    limit: z.int().min(1).max(MAX_REPLAY).optional().meta({ description: `At most this many events (default and most ${MAX_REPLAY})` }),
  })
  .strict();

export const ReplayResultSchema = z
  .object({
    queued: z.int().meta({ description: "Deliveries queued, each with a new webhook-id" }),
    complete: z.boolean().meta({ description: "False when the limit stopped the replay before the last event" }),
  })
  .strict();

export const RetryResultSchema = z.object({ id: z.string(), state: z.literal("pending") }).strict();

export const SubscriptionViewSchema = z
  .object({
    id: z.string(),
    url: z.string().meta({ description: "Where deliveries are posted" }),
    statuses: z.array(StatusSchema).nullable().meta({ description: "The statuses delivered; null for every status" }),
    integrations: z.array(z.string()).nullable().meta({ description: "The integrations whose events are delivered; null for every integration of the environment" }),
    disabled: z.string().nullable().meta({ description: "Why nothing is sent to it (its endpoint answered 410) until a dead delivery is retried; null when enabled" }),
    pending: z.int().min(0).meta({ description: `Deliveries waiting, counted up to ${MAX_COUNTED}` }),
    dead: z.int().min(0).meta({ description: `Deliveries given up on, counted up to ${MAX_COUNTED}` }),
  })
  .strict();

export const SubscriptionListSchema = z.object({ data: z.array(SubscriptionViewSchema) }).strict();
