import { createRequire } from "node:module";

/**
 * The JSON Schemas published under packages/core/schemas/, generated from the zod schemas
 * (published-schemas.ts; `pnpm --filter @tidings/core gen:schemas` rewrites them, a test fails
 * when they drift). The runtime reads the generated files, so validating loads no zod.
 */
export const PUBLISHED_SCHEMA_NAMES = ["event-body", "webhook-result", "webhook-result-list", "event-details", "normalized-result", "fixture"] as const;

export type PublishedSchemaName = (typeof PUBLISHED_SCHEMA_NAMES)[number];

const require = createRequire(import.meta.url);

/** A fresh copy of a published schema, the caller's to change. */
export function jsonSchemaOf(name: PublishedSchemaName): Record<string, unknown> {
  return structuredClone(require(`../schemas/${name}.schema.json`) as Record<string, unknown>);
}
