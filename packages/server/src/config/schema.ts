import { StatusSchema } from "@tidings/core/schemas";
import { z } from "zod";

/**
 * The receiver's configuration file (TIDINGS_CONFIG). The JSON Schema in
 * packages/server/schemas/config.schema.json is generated from this and checked for drift.
 */
const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
  .meta({ description: "Letters, digits, '.', '_' or '-', at most 128 characters" });

export const EnvironmentSchema = z
  .object({
    id: Id,
    apiKeys: z
      .array(z.string().min(16).meta({ description: "A secret of at least 16 characters" }))
      .min(1)
      .meta({ description: "Keys accepted as `Authorization: ApiKey <key>` (or Bearer); several allow rotation" }),
  })
  .strict();

export const IntegrationSchema = z
  .object({
    environmentId: Id,
    id: Id,
    provider: z.string().min(1).meta({ description: "The id of the plugin that reads this integration's webhooks" }),
    credentials: z.unknown().optional().meta({ description: "Checked against the plugin's credentials schema at start" }),
    allowUnverified: z
      .boolean()
      .optional()
      .meta({ description: "Accept provider calls that nothing can verify (no credentials configured). Logged as a warning." }),
    correlation: z
      .object({
        metadataKey: z.string().min(1).max(256).meta({ description: "The metadata key (SendGrid custom arg, Mailgun user variable...) holding the sender's own message id" }),
      })
      .strict()
      .optional()
      .meta({ description: "Where the sender's own id travels: stored events get it as correlationId" }),
    responseId: z
      .enum(["event", "message"])
      .optional()
      .meta({
        description:
          "The POST answer's `id`: `event` (default), the provider's event id; `message`, the correlation id, else the provider's message id (Novu's semantics)",
      }),
  })
  .strict();

/** Seconds between attempts: about three days in all (jittered by up to a fifth each way). */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

export const SubscriptionSchema = z
  .object({
    id: Id,
    environmentId: Id,
    url: z.string().regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, "expected an http(s) URL").max(2048).meta({ description: "Where each event is POSTed; https, or http only with allowPrivateNetwork" }),
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "expected whsec_ followed by base64 of 24 to 64 random bytes")
      .meta({ description: "The Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 random bytes" }),
    statuses: z.array(StatusSchema).min(1).optional().meta({ description: "Deliver only events of these statuses (default all)" }),
    integrations: z.array(Id).min(1).optional().meta({ description: "Deliver only events of these integrations of the environment (default all)" }),
    retrySchedule: z
      .array(z.number().min(0).max(7 * 86_400))
      .max(50)
      .optional()
      .meta({ description: "Seconds to wait before each retry, jittered by up to a fifth (default [5, 300, 1800, 7200, 18000, 36000, 36000], about three days)" }),
    allowPrivateNetwork: z
      .boolean()
      .optional()
      .meta({ description: "Allow delivery to loopback, private and link-local addresses, and over plain http (default false)" }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    environments: z.array(EnvironmentSchema).min(1),
    integrations: z.array(IntegrationSchema),
    subscriptions: z.array(SubscriptionSchema).optional().meta({ description: "Endpoints that receive each new event as a signed POST (Standard Webhooks)" }),
    plugins: z.array(z.string().min(1)).optional().meta({ description: "Community plugins: npm package names or paths (relative to the config file)" }),
    limits: z
      .object({
        maxBodyBytes: z.int().min(1024).max(100 * 1024 * 1024).optional(),
        maxDepth: z.int().min(4).max(1000).optional(),
        requestTimeoutMs: z.int().min(100).max(600_000).optional(),
      })
      .strict()
      .optional(),
    host: z
      .object({
        certificates: z
          .record(z.string().regex(/^https:\/\/[^\s]+$/), z.string().min(1))
          .optional()
          .meta({ description: "Text the host gives plugins by URL instead of fetching it (Amazon SNS signing certificates as PEM): air-gapped hosts" }),
        actions: z.boolean().optional().meta({ description: "Perform plugins' follow-ups, such as confirming Amazon SNS subscriptions (default true)" }),
        fetchTimeoutMs: z.int().min(100).max(60_000).optional().meta({ description: "Time for one fetch on a plugin's behalf (default 5000)" }),
      })
      .strict()
      .optional(),
    delivery: z
      .object({
        timeoutMs: z.int().min(100).max(120_000).optional().meta({ description: "Time for one delivery attempt, answer included (default 10000)" }),
        concurrency: z.int().min(1).max(256).optional().meta({ description: "Attempts in flight per subscription (default 8)" }),
        outboxAlarm: z.int().min(1).optional().meta({ description: "Deliveries waiting beyond which /health and the logs raise the alarm (default 10000)" }),
        pollMs: z.int().min(10).max(60_000).optional().meta({ description: "How often the outbox is read for due deliveries (default 1000)" }),
        keepDeliveredDays: z
          .number()
          .positive()
          .max(3650)
          .optional()
          .meta({ description: "Days a delivered delivery and its attempts are kept after its last attempt, then deleted (default 7)" }),
        keepDeadDays: z
          .number()
          .positive()
          .max(3650)
          .optional()
          .meta({ description: "Days a dead delivery is kept after its last attempt, for retrying, then deleted (default 30)" }),
      })
      .strict()
      .optional(),
    storage: z
      .object({
        dedupWindowHours: z
          .int()
          .min(1)
          .max(24 * 366)
          .optional()
          .meta({ description: "SQLite: a re-delivered event is recognized for at least this many hours after the first (default 72)" }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: "TidingsConfig", title: "Tidings receiver configuration" });

export type Config = z.infer<typeof ConfigSchema>;
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type IntegrationConfig = z.infer<typeof IntegrationSchema>;
export type SubscriptionConfig = z.infer<typeof SubscriptionSchema>;

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
}
