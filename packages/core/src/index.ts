/**
 * @tidings/core: everything a plugin author or an embedder needs, with no file-system access and
 * no zod at import (it is loaded when a schema is first used). The zod schemas of the vocabulary
 * are `@tidings/core/schemas`; the property-based test kit is `@tidings/testkit`; conformance
 * fixtures from files are `@tidings/core/fixtures`; host composition (tsyringe) and plugin loading
 * are `@tidings/core/host`.
 */
export {
  BOUNCE_CLASSES,
  DATE_SOURCES,
  DETAIL_FIELDS,
  REJECT_REASONS,
  STATUSES,
  WIRE_LIMITS,
  isStatus,
  type BounceClass,
  type DetailField,
  type RejectReason,
  type Status,
} from "./vocabulary.js";
export type { EventBody, EventDetails, NormalizedResult, WebhookResultDto } from "./schemas.js";
export { jsonSchemaOf, PUBLISHED_SCHEMA_NAMES, type PublishedSchemaName } from "./json-schemas.js";
export { lazySchema, loadZod, zodSchemaOf, type Infer, type LazySchema, type SchemaLike, type Zod } from "./lazy-schema.js";
export { validatorFor, firstError } from "./validate.js";
export {
  ENGINE_ERROR_CODES,
  EVENT_PROBLEM_CODES,
  engineError,
  type EngineError,
  type EngineErrorCode,
  type EventProblemCode,
} from "./errors.js";
export { inboundRequest, mediaType, type HeadersInput, type InboundRequest } from "./request.js";
export { CONTENT_TYPES, DEFAULT_DECODE_LIMITS, decodeBody, encodeForm, parsesExactly, type ContentType, type DecodeLimits, type Decoded } from "./decode/index.js";
export {
  CONTRACT_VERSION,
  CONTRACT_VERSIONS,
  PluginDefinitionError,
  assertPluginShape,
  definePlugin,
  ignore,
  isIgnore,
  isPluginId,
  type AnyPlugin,
  type ContractVersion,
  type EventReaders,
  type Handshake,
  type HostAction,
  type Ignore,
  type Mapping,
  type Plugin,
  type ReadContext,
  type VerifyContext,
  type VerifyResult,
} from "./plugin.js";
export {
  normalize,
  normalizeAsync,
  toWire,
  verifyRequest,
  type IgnoredEvent,
  type Normalized,
  type NormalizeOptions,
  type NormalizeOutcome,
  type UnmappedEvent,
} from "./engine.js";
export { hostAllowed, NO_HOST_SERVICES, type FetchPolicy, type FetchTextResult, type HostServices } from "./host-services.js";
export { contentHash, rowHash, type EventHasher } from "./ids.js";
export { toIsoDate, type DateOptions } from "./dates.js";
export {
  appendLabelled,
  at,
  count,
  describeFields,
  field,
  firstAt,
  fitting,
  fittingList,
  fittingMap,
  isRecord,
  joinParts,
  lower,
  messageId,
  perEvent,
  setDetail,
  setOwn,
  smtpCodes,
  text,
  textList,
  textMap,
  withMetadata,
  type FieldTable,
  type JsonRecord,
} from "./read.js";
export { parseCredentials, type CredentialsResult } from "./credentials.js";
export { constantTimeEqual, matchesSecret } from "./secrets.js";
export {
  BasicCredentialsSchema,
  basicAuthHeader,
  pairsOf,
  readBasicAuth,
  verifyBasicAuth,
  type BasicCredential,
  type BasicCredentials,
} from "./basic-auth.js";
export { PluginRegistry, UnknownPluginError } from "./registry.js";
export * from "./verify/index.js";
export * from "./embed/index.js";
export { readBounded } from "./bounded-read.js";
