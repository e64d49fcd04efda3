import { field, isRecord, messageId, smtpCodes, textList, textMap, type EventDetails, type RejectReason } from "@tidings/core";
import { firstText, lastText } from "./fields.js";
import type { Generation } from "./generation.js";

/**
 * The legacy webhooks: one flat form post per event (urlencoded, or multipart when the bounce or
 * complaint carries attachments), signature fields among the event's own. Fields as documented in
 * "Webhooks (deprecated)", removed from Mailgun's documentation in 2022:
 * https://github.com/mailgun/documentation/blob/28a3b5ae1746a440dc61e7533905e769dd7e35ae/source/api-webhooks-deprecated.rst
 */
const DOCUMENTED_FIELDS = [
  "event", "recipient", "domain", "timestamp", "token", "signature", "ip", "country", "region", "city", "user-agent",
  "device-type", "client-type", "client-name", "client-os", "campaign-id", "campaign-name", "tag", "mailing-list", "url",
  "message-headers", "Message-Id", "code", "error", "notification", "reason", "description",
];
/** Written by Mailgun but not in those tables (assumed, see the README), so never taken for sender variables. */
const ASSUMED_FIELDS = ["message-id", "X-Mailgun-Tag", "X-Mailgun-Variables", "X-Mailgun-Sid", "attachment-count", "body-plain", "h"];
const MAILGUN_FIELDS: ReadonlySet<string> = new Set([...DOCUMENTED_FIELDS, ...ASSUMED_FIELDS]);
/** `attachment-x`: the parts of the bounce or complaint report, numbered from 1. */
const ATTACHMENT = /^attachment-\d+$/;

function eventName(raw: unknown): string | undefined {
  return firstText(raw, "event")?.toLowerCase();
}

/** `message-headers`: the original message's headers as JSON text, `[[name, value], ...]` in order. Parsed once per event. */
const parsedHeaders = new WeakMap<object, readonly (readonly [string, string])[]>();

function messageHeaders(raw: unknown): readonly (readonly [string, string])[] {
  if (!isRecord(raw)) return [];
  let headers = parsedHeaders.get(raw);
  if (headers === undefined) {
    headers = parseJson(firstText(raw, "message-headers"), (value) =>
      Array.isArray(value) ? value.filter((pair): pair is [string, string] => Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") : [],
    );
    parsedHeaders.set(raw, headers);
  }
  return headers;
}

function headerValues(raw: unknown, name: string): string[] {
  return messageHeaders(raw)
    .filter(([header]) => header.toLowerCase() === name)
    .map(([, value]) => value);
}

function parseJson<T>(value: string | undefined, read: (parsed: unknown) => T): T {
  let parsed: unknown;
  try {
    parsed = value === undefined ? undefined : JSON.parse(value);
  } catch {
    // Mailgun passes an X-Mailgun-Variables header on even when it is not JSON; it is kept in the row.
    parsed = undefined;
  }
  return read(parsed);
}

/**
 * "Attaching Data to Messages": each X-Mailgun-Variables header is a JSON object, and several are
 * combined. Read from the field of that name and from `message-headers`; an event that carries
 * neither (opens, clicks, unsubscribes) has the variables merged into its own fields instead.
 */
function metadata(raw: unknown): Record<string, string> | undefined {
  if (!isRecord(raw)) return undefined;
  const declared = [...(textList(field(raw, "X-Mailgun-Variables")) ?? []), ...headerValues(raw, "x-mailgun-variables")];
  // A null prototype keeps a `__proto__` variable an ordinary key.
  const variables: Record<string, unknown> = Object.create(null);
  if (declared.length > 0) {
    for (const value of declared) Object.assign(variables, parseJson(value, (parsed) => (isRecord(parsed) ? parsed : {})));
  } else if (!Object.hasOwn(raw, "message-headers")) {
    for (const key of Object.keys(raw)) if (!MAILGUN_FIELDS.has(key) && !ATTACHMENT.test(key)) variables[key] = raw[key];
  }
  return textMap(variables);
}

/**
 * Why a drop happened. `reason` is "old" (retried for more than 8 hours) or "hardfail" (a
 * previously bounced, unsubscribed or complaining address); `code` tells those apart: 605 is
 * documented with "Not delivering to previously bounced address", 606 and 607 are assumed.
 */
const SUPPRESSION_CODES: ReadonlyMap<string, RejectReason> = new Map([
  ["605", "bounced"],
  ["606", "unsubscribed"],
  ["607", "spam"],
]);

function dropReason(raw: unknown): RejectReason {
  if (firstText(raw, "reason")?.toLowerCase() === "old") return "timed_out";
  const code = firstText(raw, "code");
  return (code === undefined ? undefined : SUPPRESSION_CODES.get(code)) ?? (code !== undefined && /^[45]/.test(code) ? "bounced" : "other");
}

/** `code` is written "550" or, for bounces, "5.1.1" (the tables say X.X.X); the error text may start with either. */
function codes(raw: unknown): { smtpCode?: string; enhancedStatus?: string } {
  const code = firstText(raw, "code") ?? "";
  const fromError = smtpCodes(firstText(raw, "error"));
  return {
    smtpCode: /^[2-5]\d\d$/.test(code) ? code : fromError.smtpCode,
    enhancedStatus: /^[245]\.\d{1,3}\.\d{1,3}$/.test(code) ? code : fromError.enhancedStatus,
  };
}

function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  return {
    recipient: firstText(raw, "recipient"),
    tags: textList(field(raw, "tag")) ?? textList(field(raw, "X-Mailgun-Tag")),
    metadata: metadata(raw),
    clickUrl: name === "clicked" ? firstText(raw, "url") : undefined,
    userAgent: firstText(raw, "user-agent"),
    ip: firstText(raw, "ip"),
    // The legacy bounce webhook is documented to fire on hard bounces.
    bounceClass: name === "bounced" ? "hard" : undefined,
    rejectReason: name === "bounced" ? "bounced" : name === "dropped" ? dropReason(raw) : undefined,
    ...codes(raw),
    mtaResponse: firstText(raw, "error"),
    description: firstText(raw, "description") ?? firstText(raw, "notification"),
  };
}

export const LEGACY: Generation = {
  eventName,
  /** The signature's `timestamp` is the only time a legacy post carries. */
  date: (raw) => {
    const timestamp = lastText(raw, "timestamp");
    return timestamp !== undefined && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : undefined;
  },
  // Delivered posts carry `Message-Id`; opens and clicks `message-id`; the others only the original headers.
  externalId: (raw) => messageId(firstText(raw, "Message-Id") ?? firstText(raw, "message-id") ?? headerValues(raw, "message-id")[0]),
  attempts: () => undefined,
  response: (raw) =>
    firstText(raw, "error") ?? firstText(raw, "description") ?? firstText(raw, "notification") ?? firstText(raw, "reason") ?? firstText(raw, "url"),
  // Legacy posts carry no event id; the engine hashes the event.
  eventId: () => undefined,
  details,
};
