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

export const StatusSchema = z.enum(STATUSES).meta({ id: "Status", description: "Normalized delivery status" });

export const EventBodySchema = z
  .object({
    status: StatusSchema,
    date: IsoDate.meta({ description: "When the provider says the event happened, never the receipt time" }),
    externalId: z.string().min(1).max(1024).optional().meta({ description: "The provider's message id" }),
    attempts: z.int().min(0).max(1_000_000).optional().meta({ description: "Delivery attempts so far" }),
    response: z.string().max(65_536).optional().meta({ description: "Provider or receiving-server response text" }),
    row: z.string().optional().meta({ description: "The raw provider event as JSON text" }),
  })
  .strict()
  .meta({ id: "EventBody", title: "EventBody" });

export const WebhookResultDtoSchema = z
  .object({
    id: z.string().min(1).max(512).meta({ description: "Deterministic result id, stable across re-deliveries" }),
    event: EventBodySchema,
  })
  .strict()
  .meta({ id: "WebhookResultDto", title: "WebhookResultDto" });

export const WebhookResultListSchema = z.array(WebhookResultDtoSchema).meta({ id: "WebhookResultList" });

export type EventBody = z.infer<typeof EventBodySchema>;
export type WebhookResultDto = z.infer<typeof WebhookResultDtoSchema>;
