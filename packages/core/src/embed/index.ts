export { readWebhookInput, RawBodyUnavailableError, type NodeWebhookInput, type PlainWebhookInput, type RawBody, type WebhookInput } from "./input.js";
export { createNormalizer, NormalizerConfigError, type Normalizer, type NormalizerOptions } from "./normalizer.js";
export { handleWebhook, HTTP_STATUS_BY_CODE, replyFor, type HandleOptions, type WebhookReply } from "./reply.js";
