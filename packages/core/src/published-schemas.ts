import { z } from "zod";
import { FixtureSchema } from "./fixtures/schema.js";
import type { PublishedSchemaName } from "./json-schemas.js";
import { EventBodySchema, EventDetailsSchema, NormalizedResultSchema, WebhookResultDtoSchema, WebhookResultListSchema } from "./schemas.js";

/** The zod schema behind each published JSON Schema. */
export const PUBLISHED_SCHEMAS = {
  "event-body": EventBodySchema,
  "webhook-result": WebhookResultDtoSchema,
  "webhook-result-list": WebhookResultListSchema,
  "event-details": EventDetailsSchema,
  "normalized-result": NormalizedResultSchema,
  fixture: FixtureSchema,
} as const satisfies Record<PublishedSchemaName, z.ZodType>;

/** A published schema as JSON Schema, generated from its zod schema (what gen:schemas writes). */
export function generatedJsonSchema(name: PublishedSchemaName): Record<string, unknown> {
  return z.toJSONSchema(PUBLISHED_SCHEMAS[name], { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
}
