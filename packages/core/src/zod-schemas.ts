/**
 * @tidings/core/schemas: the zod schemas behind the vocabulary, for hosts that compose them into
 * their own (config files, OpenAPI). The main entry leaves them out so that it loads no zod.
 */
export { EventBodySchema, EventDetailsSchema, IsoDate, NormalizedResultSchema, StatusSchema, WebhookResultDtoSchema, WebhookResultListSchema } from "./schemas.js";
export { generatedJsonSchema, PUBLISHED_SCHEMAS } from "./published-schemas.js";
