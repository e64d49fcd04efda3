export { DEFAULT_BASE_URL, EverlyticClient, requestWarnings, validateWebhookRequest, type EverlyticClientOptions, type PreparedRequest } from "./client.js";
export { EverlyticApiError, EverlyticNetworkError, EverlyticValidationError, toValidationResponse } from "./errors.js";
export {
  EVENT_TYPES,
  FIELD_SETS,
  PAYLOAD_CONTENT_TYPES,
  VERBS,
  WebhookRequestSchema,
  WebhookSchema,
  type ErrorDetail,
  type ErrorResponse,
  type EventType,
  type FieldSet,
  type PayloadContentType,
  type Webhook,
  type WebhookList,
  type WebhookRequest,
} from "./schemas.js";
