import { z } from "zod";
import { STATUSES } from "./vocabulary.js";

/**
 * Wire schemas, the single source of truth: TS types are inferred from them and the committed
 * JSON Schemas under packages/core/schemas/ are generated from them (see json-schemas.ts).
 */

/** ISO 8601 UTC with milliseconds, exactly as `Date.prototype.toISOString` writes it. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  .meta({ description: "ISO 8601 UTC with milliseconds (Date.prototype.toISOString)" });

/**
 * The lengths the wire schemas accept, in one place: the schemas below use them, and plugins that
 * leave an over-long provider value out (rather than lose the whole event) read them here.
 */
export const WIRE_LIMITS = {
  resultId: 512,
  externalId: 1024,
  text: 65_536,
  recipient: 1024,
  tag: 1024,
  tags: 256,
  metadataKey: 256,
  metadataValue: 8192,
  clickUrl: 8192,
  userAgent: 2048,
  ip: 64,
} as const;

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

/** How the receiving side classified a failed delivery (django-anymail's bounce classes). */
export const BOUNCE_CLASSES = ["hard", "soft", "undetermined"] as const;
/** Why a message was not delivered, in one word a suppression list can act on. */
export const REJECT_REASONS = ["invalid", "bounced", "timed_out", "blocked", "spam", "unsubscribed", "other"] as const;
/** Where `date` came from: the provider's event time, or the receive time when the provider sends none. */
export const DATE_SOURCES = ["provider", "received"] as const;

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
  })
  .partial()
  .strict()
  .meta({ id: "EventDetails", title: "EventDetails" });

export type EventDetails = z.infer<typeof EventDetailsSchema>;
export type BounceClass = (typeof BOUNCE_CLASSES)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A normalized result as the engine produces it: the wire DTO plus the contract v2 details. */
export const NormalizedResultSchema = WebhookResultDtoSchema.extend({ details: EventDetailsSchema.optional() })
  .strict()
  .meta({ id: "NormalizedResult", title: "NormalizedResult" });
export type NormalizedResult = z.infer<typeof NormalizedResultSchema>;
