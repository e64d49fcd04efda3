import { BOUNCE_CLASSES, DATE_SOURCES, DETAIL_FIELDS, REJECT_REASONS, STATUSES, WIRE_LIMITS } from "./vocabulary.js";

/**
 * Plain-code checks of EventBody and EventDetails for the engine's per-event path, where the
 * compiled ajv validators cost more than reading the event did. They only ever say "valid" for
 * what the published schemas accept (a property test holds them to the ajv validators); when
 * they say no, the engine asks ajv, which decides and words the error. Length limits compare
 * UTF-16 units, never fewer than the code points ajv counts, so a string over a limit in units
 * but within it in code points is left to ajv rather than refused here.
 */

const statuses: ReadonlySet<unknown> = new Set(STATUSES);
const bounceClasses: ReadonlySet<unknown> = new Set(BOUNCE_CLASSES);
const rejectReasons: ReadonlySet<unknown> = new Set(REJECT_REASONS);
const dateSources: ReadonlySet<unknown> = new Set(DATE_SOURCES);

const SMTP_CODE = /^[2-5]\d\d$/;
const ENHANCED_STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function textWithin(value: unknown, max: number): boolean {
  return typeof value === "string" && value.length >= 1 && value.length <= max;
}

/**
 * Surely a valid EventBody, for one the engine built from a plugin's readers: its own keys only,
 * `date` written by toIsoDate and `row` a string, so only what the plugin gave is checked (the
 * status its mapping names, externalId, attempts, response). Every event passes here.
 */
export function surelyBuiltEventBody(event: {
  readonly status: unknown;
  readonly externalId?: unknown;
  readonly attempts?: unknown;
  readonly response?: unknown;
}): boolean {
  const { externalId, attempts, response } = event;
  return (
    statuses.has(event.status) &&
    (externalId === undefined || textWithin(externalId, WIRE_LIMITS.externalId)) &&
    (attempts === undefined || (typeof attempts === "number" && Number.isInteger(attempts) && attempts >= 0 && attempts <= 1_000_000)) &&
    (response === undefined || (typeof response === "string" && response.length <= WIRE_LIMITS.text))
  );
}

/** Surely a valid EventDetails (see the module comment for what false means). */
export function surelyEventDetails(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    if (item === undefined) {
      if (!detailKeys.has(key)) return false;
      continue;
    }
    switch (key) {
      case "recipient":
        if (!textWithin(item, WIRE_LIMITS.recipient)) return false;
        break;
      case "tags":
        if (!surelyTags(item)) return false;
        break;
      case "metadata":
        if (!surelyMetadata(item)) return false;
        break;
      case "clickUrl":
        if (!textWithin(item, WIRE_LIMITS.clickUrl)) return false;
        break;
      case "userAgent":
        if (!textWithin(item, WIRE_LIMITS.userAgent)) return false;
        break;
      case "ip":
        if (!textWithin(item, WIRE_LIMITS.ip)) return false;
        break;
      case "bounceClass":
        if (!bounceClasses.has(item)) return false;
        break;
      case "rejectReason":
        if (!rejectReasons.has(item)) return false;
        break;
      case "smtpCode":
        if (typeof item !== "string" || !SMTP_CODE.test(item)) return false;
        break;
      case "enhancedStatus":
        if (typeof item !== "string" || !ENHANCED_STATUS.test(item)) return false;
        break;
      case "mtaResponse":
      case "description":
        if (!textWithin(item, WIRE_LIMITS.text)) return false;
        break;
      case "dateSource":
        if (!dateSources.has(item)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The names EventDetails defines (the schema is strict: no other key may appear). */
const detailKeys: ReadonlySet<string> = new Set(DETAIL_FIELDS);

function surelyTags(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > WIRE_LIMITS.tags) return false;
  for (let i = 0; i < value.length; i++) if (!textWithin(value[i], WIRE_LIMITS.tag)) return false;
  return true;
}

function surelyMetadata(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    if (key.length < 1 || key.length > WIRE_LIMITS.metadataKey) return false;
    if (typeof item !== "string" || item.length > WIRE_LIMITS.metadataValue) return false;
  }
  return true;
}
