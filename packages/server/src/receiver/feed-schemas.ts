import { EventBodySchema, EventDetailsSchema, IsoDate, StatusSchema } from "@tidings/core/schemas";
import { z } from "zod";
import { BUILTIN_PLUGINS } from "../builtin-plugins.js";

/** The wire shapes of the feed and the timeline, and the feed's query; OpenAPI is built from these. */

/** The longest query value or message id read: longer ones are refused before any lookup. */
export const MAX_QUERY_VALUE = 1024;
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** One query value of bounded length; the console's queries use the same pieces. */
export const queryValue = z.string().max(MAX_QUERY_VALUE);
const value = queryValue;
/** An instant with its offset (what Date.parse reads unambiguously), to the nanosecond at most. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** A query instant, read as epoch milliseconds. */
export const queryInstant = value
  .regex(ISO_INSTANT, "expected an ISO 8601 instant with a Z or an offset, such as 2026-01-31T09:00:00Z")
  .transform((text, context) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) context.addIssue({ code: "custom", message: `${text} is not a date` });
    return ms;
  });

/** The feed's query string. Unknown parameters are refused, so a misspelt filter is not silently ignored. */
export const FeedQuerySchema = z
  .object({
    after: value.optional(),
    limit: value
      .regex(/^\d{1,4}$/, `expected an integer from 1 to ${MAX_PAGE}`)
      .transform(Number)
      .pipe(z.int().min(1, `limit must be from 1 to ${MAX_PAGE}`).max(MAX_PAGE, `limit must be from 1 to ${MAX_PAGE}`))
      .optional(),
    status: value
      .transform((text) => text.split(","))
      .pipe(z.array(StatusSchema))
      .optional(),
    externalId: value.optional(),
    correlationId: value.optional(),
    recipient: value.optional(),
    since: queryInstant.optional(),
    until: queryInstant.optional(),
  })
  .strict();

/** The built-in plugins' ids; a community plugin's id is any other string. */
const BUILTIN_PROVIDERS = BUILTIN_PLUGINS.map((plugin) => plugin.id) as [string, ...string[]];

export const FeedItemSchema = z
  .object({
    id: z.string(),
    event: EventBodySchema,
    details: EventDetailsSchema.optional(),
    integrationId: z.string(),
    provider: z
      .union([z.enum(BUILTIN_PROVIDERS), z.string()])
      .meta({ description: "The id of the plugin that normalized the event: a built-in one, or a community plugin's" }),
    correlationId: z.string().optional().meta({ description: "The sender's own id, from the metadata key the integration's `correlation.metadataKey` names" }),
    receivedAt: IsoDate,
  })
  .strict();
export type FeedItemDto = z.infer<typeof FeedItemSchema>;

export const FeedPageSchema = z
  .object({
    data: z.array(FeedItemSchema),
    next: z.string().nullable().meta({ description: "Pass as `after` to continue after the last item; null when the page is empty" }),
  })
  .strict();

export const TimelineSchema = z.object({ data: z.array(FeedItemSchema) }).strict();
