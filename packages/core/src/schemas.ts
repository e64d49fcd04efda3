import { z } from "zod";
import { BOUNCE_CLASSES, DATE_SOURCES, REJECT_REASONS, STATUSES, WIRE_LIMITS, type DetailField } from "./vocabulary.js";

/**
 * Wire schemas, the single source of truth: TS types are inferred from them and the committed
 * JSON Schemas under packages/core/schemas/ are generated from them (published-schemas.ts). They
 * are the `@tidings/core/schemas` entry, not the main one: importing zod is most of a cold start,
 * and normalizing needs none of it (wire-checks.ts, with the generated JSON Schemas behind it).
 */

/** ISO 8601 UTC with milliseconds, exactly as `Date.prototype.toISOString` writes it. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .meta({ description: "ISO 8601 UTC with milliseconds (Date.prototype.toISOString)" });


export const StatusSchema = z.enum(STATUSES).meta({ id: "Status", description: "Normalized delivery status" });

export const EventBodySchema = z
  .object({
    status: StatusSchema,
    date: IsoDate.meta({ description: "When the provider says the event happened, never the receipt time" }),
    externalId: z.string().min(1).max(WIRE_LIMITS.externalId).optional().meta({ description: "The provider's message id" }),
    attempts: z.int().min(0).max(1_000_000).optional().meta({ description: "Delivery attempts so far" }),
    response: z.string().max(WIRE_LIMITS.text).optional().meta({ description: "Provider or receiving-server response text" }),
    row: z.string().optional().meta({ description: "The raw provider event as JSON text" }),
  })
  .strict()
  .meta({ id: "EventBody", title: "EventBody" });

export const WebhookResultDtoSchema = z
  .object({
    id: z.string().min(1).max(WIRE_LIMITS.resultId).meta({ description: "Deterministic result id, stable across re-deliveries" }),
    event: EventBodySchema,
  })
  .strict()
  .meta({ id: "WebhookResultDto", title: "WebhookResultDto" });

export const WebhookResultListSchema = z.array(WebhookResultDtoSchema).meta({ id: "WebhookResultList" });

export type EventBody = z.infer<typeof EventBodySchema>;
export type WebhookResultDto = z.infer<typeof WebhookResultDtoSchema>;


const shortText = (max: number, description: string) => z.string().min(1).max(max).meta({ description });

/**
 * Contract v2: what an event says about who, why and whose, beyond Novu's EventBody. Every field
 * is optional; a plugin fills what its provider's payload carries. The Novu-compatible POST answer
 * never carries details; the feed, the timeline and OpenAPI do.
 */
export const EventDetailsSchema = z
  .object({
    recipient: shortText(WIRE_LIMITS.recipient, "The recipient's email address or phone number"),
    tags: z.array(shortText(WIRE_LIMITS.tag, "A tag")).max(WIRE_LIMITS.tags).meta({ description: "The sender's tags or categories" }),
    metadata: z
      .record(z.string().min(1).max(WIRE_LIMITS.metadataKey), z.string().max(WIRE_LIMITS.metadataValue))
      .meta({ description: "The sender's custom arguments / user variables, as text" }),
    clickUrl: shortText(WIRE_LIMITS.clickUrl, "The clicked link (clicked events only)"),
    userAgent: shortText(WIRE_LIMITS.userAgent, "The opening or clicking client's user agent"),
    ip: shortText(WIRE_LIMITS.ip, "The opening or clicking client's IP address"),
    bounceClass: z.enum(BOUNCE_CLASSES).meta({ description: "hard, soft or undetermined (bounced, deferred and blocked events only)" }),
    rejectReason: z.enum(REJECT_REASONS).meta({ description: "Why the message was not delivered, for suppression lists" }),
    smtpCode: z.string().regex(/^[2-5]\d\d$/).meta({ description: "The receiving server's SMTP reply code (\"550\")" }),
    enhancedStatus: z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/).meta({ description: "RFC 3463 enhanced status code (\"5.1.1\")" }),
    mtaResponse: shortText(WIRE_LIMITS.text, "The receiving server's reply, verbatim"),
    description: shortText(WIRE_LIMITS.text, "The provider's own explanation of the event"),
    dateSource: z.enum(DATE_SOURCES).meta({ description: "received when the provider sends no event time" }),
  } satisfies Record<DetailField, z.ZodType>)
  .partial()
  .strict()
  .meta({ id: "EventDetails", title: "EventDetails" });

export type EventDetails = z.infer<typeof EventDetailsSchema>;

/** A normalized result as the engine produces it: the wire DTO plus the contract v2 details. */
export const NormalizedResultSchema = WebhookResultDtoSchema.extend({ details: EventDetailsSchema.optional() })
  .strict()
  .meta({ id: "NormalizedResult", title: "NormalizedResult" });
export type NormalizedResult = z.infer<typeof NormalizedResultSchema>;
