import { z } from "zod";
import { FixtureSchema } from "./fixtures/schema.js";
import { EventBodySchema, EventDetailsSchema, NormalizedResultSchema, WebhookResultDtoSchema, WebhookResultListSchema } from "./schemas.js";

/**
 * The JSON Schemas published under packages/core/schemas/, generated from the zod schemas.
 * `pnpm --filter @tidings/core gen:schemas` rewrites the files; a test fails when they drift.
 */
export const PUBLISHED_SCHEMAS = {
  "event-body": EventBodySchema,
  "webhook-result": WebhookResultDtoSchema,
  "webhook-result-list": WebhookResultListSchema,
  "event-details": EventDetailsSchema,
  "normalized-result": NormalizedResultSchema,
  fixture: FixtureSchema,
} as const;

export type PublishedSchemaName = keyof typeof PUBLISHED_SCHEMAS;

export function jsonSchemaOf(name: PublishedSchemaName): Record<string, unknown> {
  return z.toJSONSchema(PUBLISHED_SCHEMAS[name], { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
}
