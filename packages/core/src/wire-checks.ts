import { BOUNCE_CLASSES, DATE_SOURCES, EventDetailsSchema, REJECT_REASONS, WIRE_LIMITS } from "./schemas.js";
import { STATUSES } from "./vocabulary.js";

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

/**
 * `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$` (the EventBody date pattern) by character codes:
 * every event's date passes here, and a regex match cost more than the rest of the check.
 */
function isIsoInstant(text: string): boolean {
  if (text.length !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const c = text.charCodeAt(i);
    const expected = ISO_SHAPE.charCodeAt(i);
    if (expected === 100 /* d */ ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

/** The instant's shape: `d` a digit, anything else itself. */
const ISO_SHAPE = "dddd-dd-ddTdd:dd:dd.dddZ";

function textWithin(value: unknown, max: number): boolean {
  return typeof value === "string" && value.length >= 1 && value.length <= max;
}

/** Surely a valid EventBody (see the module comment for what false means). */
export function surelyEventBody(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case "status":
        if (!statuses.has(item)) return false;
        break;
      case "date":
        if (typeof item !== "string" || !isIsoInstant(item)) return false;
        break;
      case "externalId":
        if (item !== undefined && !textWithin(item, WIRE_LIMITS.externalId)) return false;
        break;
      case "attempts":
        if (item !== undefined && !(typeof item === "number" && Number.isInteger(item) && item >= 0 && item <= 1_000_000)) return false;
        break;
      case "response":
        if (item !== undefined && !(typeof item === "string" && item.length <= WIRE_LIMITS.text)) return false;
        break;
      case "row":
        if (item !== undefined && typeof item !== "string") return false;
        break;
      default:
        return false;
    }
  }
  return typeof value.status === "string" && typeof value.date === "string";
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
const detailKeys: ReadonlySet<string> = new Set(Object.keys(EventDetailsSchema.shape));

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
