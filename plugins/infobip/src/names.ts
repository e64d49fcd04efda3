import { field, perEvent, text } from "@tidings/core";
import { EVENTS, STATUS_GROUPS, type InfobipEvent, type StatusGroup } from "./mapping.js";

const STATUS_NAMES: ReadonlySet<string> = new Set(EVENTS.filter((name) => !(STATUS_GROUPS as readonly string[]).includes(name)));
const GROUPS: ReadonlySet<string> = new Set(STATUS_GROUPS);

/**
 * Infobip posts `{ "results": [ ... ] }`, one result per message (100 by default, up to the
 * notification profile's `maxBucketSize`). A bare list or a single result (a replay) is taken as
 * it comes; anything else is returned whole, to be reported as an event without a name.
 */
export function split(body: unknown): readonly unknown[] {
  const results = field(body, "results");
  if (Array.isArray(results)) return results;
  return Array.isArray(body) ? body : [body];
}

/** Infobip writes its status names in capitals; other spellings are read as the same name. */
export function upper(value: unknown): string | undefined {
  return text(value)?.toUpperCase();
}

/**
 * The documented `status.name`, else the documented `status.groupName` (a status Infobip added
 * after this table keeps its group's meaning), else the name as sent, which stays unmapped.
 */
export function eventName(raw: unknown): string | undefined {
  const status = field(raw, "status");
  const sent = text(field(status, "name"));
  // Infobip's own capitals need no upper-casing.
  if (sent !== undefined && STATUS_NAMES.has(sent)) return sent;
  const name = sent?.toUpperCase();
  if (name !== undefined && STATUS_NAMES.has(name)) return name as InfobipEvent;
  const sentGroup = text(field(status, "groupName"));
  const group = sentGroup?.toUpperCase();
  if (group !== undefined && GROUPS.has(group)) return group as StatusGroup;
  return sent ?? sentGroup;
}

/** The plugin's eventName hook: `eventName`, kept for the report's details, which need it again. */
export const namedEvent = perEvent(eventName);

/** The documented event name of a report, for readers that refine by it. */
export function knownEventName(raw: unknown): InfobipEvent | undefined {
  const name = namedEvent(raw);
  return name !== undefined && (STATUS_NAMES.has(name) || GROUPS.has(name)) ? (name as InfobipEvent) : undefined;
}
