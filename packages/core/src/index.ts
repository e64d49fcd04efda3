/**
 * @tidings/core: everything a plugin author or a host needs. The property-based test kit is
 * `@tidings/core/testkit`; host composition (tsyringe) is `@tidings/core/host`.
 */
export { STATUSES, isStatus, type Status } from "./vocabulary.js";
export {
  EventBodySchema,
  IsoDate,
  StatusSchema,
  WebhookResultDtoSchema,
  WebhookResultListSchema,
  type EventBody,
  type WebhookResultDto,
} from "./schemas.js";
export { jsonSchemaOf, PUBLISHED_SCHEMAS, type PublishedSchemaName } from "./json-schemas.js";
export { validatorFor, firstError } from "./validate.js";
export {
  ENGINE_ERROR_CODES,
  EVENT_PROBLEM_CODES,
  engineError,
  type EngineError,
  type EngineErrorCode,
  type EventProblemCode,
} from "./errors.js";
export { inboundRequest, mediaType, type InboundRequest } from "./request.js";
export { CONTENT_TYPES, DEFAULT_DECODE_LIMITS, decodeBody, encodeForm, type ContentType, type DecodeLimits, type Decoded } from "./decode/index.js";
export {
  CONTRACT_VERSION,
  PluginDefinitionError,
  assertPluginShape,
  definePlugin,
  ignore,
  isIgnore,
  isPluginId,
  type AnyPlugin,
  type ContractVersion,
  type EventReaders,
  type Ignore,
  type Mapping,
  type Plugin,
  type VerifyContext,
  type VerifyResult,
} from "./plugin.js";
export { normalize, type IgnoredEvent, type Normalized, type NormalizeOptions, type NormalizeOutcome, type UnmappedEvent } from "./engine.js";
export { contentHash, type EventHasher } from "./ids.js";
export { toIsoDate, type DateOptions } from "./dates.js";
export { at, count, describeFields, field, firstAt, isRecord, joinParts, lower, text, type FieldTable, type JsonRecord } from "./read.js";
export { parseCredentials, type CredentialsResult } from "./credentials.js";
export { constantTimeEqual, matchesSecret } from "./secrets.js";
export {
  BasicCredentialSchema,
  BasicCredentialsSchema,
  basicAuthHeader,
  readBasicAuth,
  verifyBasicAuth,
  type BasicCredential,
  type BasicCredentials,
} from "./basic-auth.js";
export { PluginRegistry, UnknownPluginError } from "./registry.js";
export { FixtureSchema, type ExpectedEvent, type Fixture } from "./fixtures/schema.js";
export { loadFixture, loadFixtures, type LoadedFixture } from "./fixtures/load.js";
export { fixtureRequest, runFixture, runFixtures, type CaseResult, type ConformanceSummary } from "./fixtures/run.js";
