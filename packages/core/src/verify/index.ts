/**
 * Shared verification blocks: plugins compose these instead of carrying their own HMAC,
 * timestamp window, constant-time comparison or failure helper.
 */
export { unauthorized } from "./result.js";
export { allConfigured, whenConfigured, withBasicAuth } from "./compose.js";
export {
  asList,
  basicPairs,
  credentialsSchema,
  type CredentialShape,
  type CredentialSpec,
  type Presence,
  type SecretList,
  type SharedSchemas,
} from "./credentials.js";
export { MAX_PRESENTED_SIGNATURES, hmac, verifyHmac, type DigestEncoding, type HmacAlgorithm, type VerifyHmacOptions } from "./hmac.js";
export { DEFAULT_MAX_FUTURE_SECONDS, checkTimestamp, type TimestampWindow } from "./timestamp.js";
export {
  DEFAULT_STANDARD_WEBHOOK_TOLERANCE_SECONDS,
  STANDARD_WEBHOOK_HEADERS,
  isStandardWebhookSecret,
  signStandardWebhook,
  verifyStandardWebhook,
  type StandardWebhookOptions,
} from "./standard-webhooks.js";
export {
  MAX_SIGNATURE_BYTES,
  SIGNATURE_SCHEMES,
  isUsablePublicKey,
  publicKeyFrom,
  verifyAsymmetric,
  type SignatureScheme,
  type VerifyAsymmetricOptions,
} from "./asymmetric.js";
export { formPairs, urlWithSortedParams, type SignedParams, type SortedParamsOptions } from "./url.js";
