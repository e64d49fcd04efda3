/**
 * @tidings/embed: a webhook endpoint in an existing service. Each adapter is its own entry
 * (`@tidings/embed/node`, `/express`, `/fastify`, `/hono`, `/fetch`), so a service loads only its
 * own framework; this entry re-exports the framework-free part of @tidings/core they share.
 */
export {
  createNormalizer,
  handleWebhook,
  HTTP_STATUS_BY_CODE,
  NormalizerConfigError,
  RawBodyUnavailableError,
  replyFor,
  type HandleOptions,
  type Normalizer,
  type NormalizerOptions,
  type WebhookInput,
  type WebhookReply,
} from "@tidings/core";
