import { IsoDate, StatusSchema } from "@tidings/core/schemas";
import { z } from "zod";
import { FeedItemSchema, queryInstant, queryValue } from "../receiver/feed-schemas.js";

/**
 * The console's JSON endpoints: their queries and answers. The page and any script read the same
 * endpoints; OpenAPI is generated from these schemas.
 */

export const MAX_CONSOLE_PAGE = 200;
export const DEFAULT_CONSOLE_PAGE = 50;
/** The longest range a chart covers. */
export const MAX_STATS_DAYS = 366;

const value = queryValue;
const instant = queryInstant;
const cursor = value.regex(/^\d{1,16}$/, "expected a cursor from an earlier answer");
const limit = value
  .regex(/^\d{1,4}$/, `expected an integer from 1 to ${MAX_CONSOLE_PAGE}`)
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_CONSOLE_PAGE));
const integration = value.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "expected an integration id of this environment");
const statuses = value.transform((text) => text.split(",")).pipe(z.array(StatusSchema));

export const SignInSchema = z.object({ apiKey: z.string().min(1).max(1024) }).strict();

export const SessionSchema = z
  .object({
    environmentId: z.string(),
    expiresAt: IsoDate,
  })
  .strict();

export const EventsQuerySchema = z
  .object({
    integration: integration.optional(),
    status: statuses.optional(),
    since: instant.optional(),
    until: instant.optional(),
    q: value.min(1).optional().meta({ description: "An external id, correlation id or recipient, matched exactly" }),
    before: cursor.optional(),
    after: cursor.optional(),
    limit: limit.optional(),
  })
  .strict()
  .refine((query) => query.before === undefined || query.after === undefined, { message: "before and after cannot be combined" });

export const ListQuerySchema = z
  .object({
    integration: integration.optional(),
    before: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();

export const StatsQuerySchema = z
  .object({
    integration: integration.optional(),
    since: instant,
    until: instant,
    bucket: z.enum(["hour", "day"]).optional(),
  })
  .strict()
  .refine((query) => query.since < query.until, { message: "since must be before until" })
  .refine((query) => query.until - query.since <= MAX_STATS_DAYS * 86_400_000, { message: `a chart covers at most ${MAX_STATS_DAYS} days` });

export const VerificationSchema = z.enum(["signature", "basic_auth", "api_key_only", "unverified"]);

export const IntegrationViewSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    providerName: z.string(),
    url: z.string().meta({ description: "The URL to give the provider, as this request reached the receiver" }),
    verification: VerificationSchema,
    verificationNote: z.string(),
    lastCallAt: IsoDate.nullable(),
    last24h: z.partialRecord(StatusSchema, z.int()).meta({ description: "Events per status whose provider time is in the last 24 hours" }),
    setup: z.string().nullable().meta({ description: "The plugin's set-up steps at the provider (markdown)" }),
  })
  .strict();

export const IntegrationsSchema = z.object({ data: z.array(IntegrationViewSchema) }).strict();

export const ConsoleEventSchema = FeedItemSchema.extend({ cursor: z.string() }).strict();

export const ConsoleEventsSchema = z
  .object({
    data: z.array(ConsoleEventSchema),
    next: z.string().nullable().meta({ description: "Pass as `before` for older events; null when none are left" }),
  })
  .strict();

export const StatsSchema = z
  .object({
    bucket: z.enum(["hour", "day"]),
    since: IsoDate,
    until: IsoDate,
    data: z.array(z.object({ at: IsoDate, status: StatusSchema, count: z.int() }).strict()),
  })
  .strict();

export const RejectedCallSchema = z
  .object({
    cursor: z.string(),
    integrationId: z.string(),
    receivedAt: IsoDate,
    code: z.string(),
    message: z.string(),
    method: z.string(),
    contentType: z.string(),
    headers: z.record(z.string(), z.string()).meta({ description: "As received, secrets redacted" }),
    body: z.string().meta({ description: "The body as UTF-8 text, its first 64 KiB" }),
    bodyBytes: z.int(),
    bodyTruncated: z.boolean(),
  })
  .strict();

export const RejectedCallsSchema = z.object({ data: z.array(RejectedCallSchema), next: z.string().nullable() }).strict();

export const KeptEventSchema = z
  .object({
    cursor: z.string(),
    integrationId: z.string(),
    receivedAt: IsoDate,
    kind: z.enum(["ignored", "unmapped"]),
    id: z.string(),
    name: z.string().optional(),
    code: z.string().optional(),
    reason: z.string(),
    row: z.string(),
  })
  .strict();

export const KeptEventsSchema = z.object({ data: z.array(KeptEventSchema), next: z.string().nullable() }).strict();
