import { field, isRecord, joinParts, perEvent, text, textMap, toIsoDate, type EventDetails, WIRE_LIMITS } from "@tidings/core";
import { REJECT_REASONS } from "./mapping.js";
import { knownEventName, upper } from "./names.js";

/**
 * Infobip accepts up to 4000 characters of `callbackData` at send time; longer text did not come
 * from a send request, and is not parsed (JSON.stringify of deep nesting is not bounded work).
 */
export const MAX_CALLBACK_DATA = 4000;

/**
 * `doneAt`, when Infobip finished processing the message (delivered, or given up), else `sentAt`;
 * both `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, with offsets such as `+0000`.
 */
export function date(raw: unknown): string | undefined {
  return validDate(field(raw, "doneAt")) ?? validDate(field(raw, "sentAt"));
}

function validDate(field: unknown): string | undefined {
  const value = text(field);
  return value !== undefined && toIsoDate(value) !== undefined ? value : undefined;
}

export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "messageId"));
}

/**
 * The `error` object, unless it is Infobip's "no error" entry (group OK, id 0, `NO_ERROR`):
 * response and details both ask for it, so it is read once per report.
 */
const reportedError = perEvent(readError);

function readError(raw: unknown): unknown {
  const error = field(raw, "error");
  const id = text(field(error, "id"));
  const name = upper(field(error, "name"));
  if (id === undefined && name === undefined) return undefined;
  return id === "0" || name === "NO_ERROR" ? undefined : error;
}

/** "status: <name> (<description>); error <id>: <name> (<description>); permanent". */
export function response(raw: unknown): string | undefined {
  const status = field(raw, "status");
  const error = reportedError(raw);
  return joinParts([
    labelled("status", text(field(status, "name")), text(field(status, "description"))),
    error === undefined ? undefined : labelled(joinWords("error", text(field(error, "id"))), text(field(error, "name")), text(field(error, "description"))),
    field(error, "permanent") === true ? "permanent" : undefined,
  ]);
}

function labelled(label: string, name: string | undefined, description: string | undefined): string | undefined {
  if (name === undefined && description === undefined) return undefined;
  if (name === undefined) return `${label}: ${description}`;
  return description === undefined ? `${label}: ${name}` : `${label}: ${name} (${description})`;
}

function joinWords(first: string, second: string | undefined): string {
  return second === undefined ? first : `${first} ${second}`;
}

export function details(raw: unknown): EventDetails {
  const name = knownEventName(raw);
  const error = reportedError(raw);
  return {
    recipient: text(field(raw, "to")),
    metadata: callbackMetadata(field(raw, "callbackData")),
    rejectReason: name === undefined ? undefined : REJECT_REASONS[name],
    description: text(field(error, "description")) ?? text(field(field(raw, "status"), "description")),
  };
}

/**
 * The sender's `callbackData` as metadata: the members of a JSON object when it is one (senders
 * put their own ids there), else `{ callbackData: <text> }`. Metadata that would not fit the
 * details schema is left out, so the event keeps its status; the text stays in `row`.
 */
export function callbackMetadata(value: unknown): Record<string, string> | undefined {
  const data = text(value);
  if (data === undefined) return undefined;
  const members = data.length <= MAX_CALLBACK_DATA ? jsonObjectMembers(data) : undefined;
  if (members !== undefined && fits(members)) return members;
  const whole = { callbackData: data };
  return fits(whole) ? whole : undefined;
}

function jsonObjectMembers(data: string): Record<string, string> | undefined {
  if (!data.trimStart().startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return isRecord(parsed) ? textMap(parsed) : undefined;
}

/** Core's rule for metadata (key and value lengths, WIRE_LIMITS), so what is returned always validates. */
function fits(metadata: Record<string, string>): boolean {
  for (const key of Object.keys(metadata)) {
    if (key.length === 0 || key.length > WIRE_LIMITS.metadataKey || metadata[key]!.length > WIRE_LIMITS.metadataValue) return false;
  }
  return true;
}
