import { appendLabelled, at, field, perEvent, setDetail, smtpCodes, text, textList, textMap, type EventDetails } from "@tidings/core";
import { BOUNCE_READINGS, SUPPRESSION_READINGS, type BounceReading } from "./mapping.js";
import { bounceTypeOf, isBounceType, isRecordType, recordTypeOf, suppressionReasonOf, type RecordType } from "./names.js";

/** Each record type's event time (ISO 8601, per Postmark's webhook pages). */
const DATE_FIELDS: Readonly<Record<RecordType, string>> = {
  Delivery: "DeliveredAt",
  Bounce: "BouncedAt",
  SpamComplaint: "BouncedAt",
  Open: "ReceivedAt",
  Click: "ReceivedAt",
  SubscriptionChange: "ChangedAt",
};

/** Records a bounce id (`ID`) identifies: spam complaints are bounce records too. */
const WITH_BOUNCE_ID: ReadonlySet<string> = new Set<RecordType>(["Bounce", "SpamComplaint"]);

/** Postmark writes the receiving server's reply as `smtp;<reply>`. */
const SMTP_PREFIX = /^\s*smtp;\s*/i;

/** date, eventId, response and details each need the record type: it is read once per event. */
const knownRecordType = perEvent((raw): RecordType | undefined => {
  const type = recordTypeOf(raw);
  return isRecordType(type) ? type : undefined;
});

export function date(raw: unknown): string | undefined {
  const type = knownRecordType(raw);
  const value = type === undefined ? undefined : field(raw, DATE_FIELDS[type]);
  return typeof value === "string" ? value : undefined;
}

export function externalId(raw: unknown): string | undefined {
  return text(field(raw, "MessageID"));
}

/**
 * The bounce record's `ID`, prefixed with its record type: Postmark's test posts give the bounce
 * and the spam complaint the same `ID`, and the prefix keeps them apart. Other records have no id.
 */
export function eventId(raw: unknown): string | undefined {
  const type = knownRecordType(raw);
  const id = type !== undefined && WITH_BOUNCE_ID.has(type) ? text(field(raw, "ID")) : undefined;
  return id === undefined ? undefined : `${type}:${id}`;
}

export function response(raw: unknown): string | undefined {
  switch (knownRecordType(raw)) {
    case "Delivery":
      return text(field(raw, "Details"));
    case "Bounce":
    case "SpamComplaint":
      return appendLabelled(appendLabelled(undefined, "type", text(field(raw, "Type"))), "details", text(field(raw, "Details")));
    case "Click":
      return text(field(raw, "OriginalLink"));
    case "SubscriptionChange":
      return appendLabelled(appendLabelled(undefined, "reason", text(field(raw, "SuppressionReason"))), "origin", text(field(raw, "Origin")));
    default:
      return undefined;
  }
}

/**
 * One object, each reading assigned into it only when present, in the order the details have
 * always listed them: no partial objects to merge, and nothing absent for the engine to copy out.
 */
export function details(raw: unknown): EventDetails | undefined {
  const type = knownRecordType(raw);
  if (type === undefined) return undefined;
  const out: EventDetails = {};
  const recipient = field(raw, "Recipient");
  setDetail(out, "recipient", text(recipient !== undefined && recipient !== null && recipient !== "" ? recipient : field(raw, "Email")));
  setDetail(out, "tags", textList(field(raw, "Tag")));
  setDetail(out, "metadata", textMap(field(raw, "Metadata")));
  switch (type) {
    case "Delivery":
      addReplyCodes(out, raw);
      setDetail(out, "mtaResponse", text(field(raw, "Details")));
      return out;
    case "Bounce":
      addReading(out, bounceReading(raw));
      addReplyCodes(out, raw);
      setDetail(out, "mtaResponse", text(field(raw, "Details")));
      setDetail(out, "description", text(field(raw, "Description")));
      return out;
    case "SpamComplaint":
      out.rejectReason = "spam";
      setDetail(out, "description", text(field(raw, "Description")) ?? text(field(raw, "Details")));
      return out;
    case "Open":
      addClient(out, raw);
      return out;
    case "Click":
      addClient(out, raw);
      setDetail(out, "clickUrl", text(field(raw, "OriginalLink")));
      return out;
    case "SubscriptionChange": {
      addReading(out, suppressionReading(raw));
      const origin = text(field(raw, "Origin"));
      if (origin !== undefined) out.description = `origin: ${origin}`;
      return out;
    }
  }
}

const NO_READING: BounceReading = {};

function addReading(out: EventDetails, reading: BounceReading): void {
  setDetail(out, "bounceClass", reading.bounceClass);
  setDetail(out, "rejectReason", reading.rejectReason);
}

function bounceReading(raw: unknown): BounceReading {
  const type = bounceTypeOf(raw);
  return (isBounceType(type) ? BOUNCE_READINGS[type] : undefined) ?? NO_READING;
}

function suppressionReading(raw: unknown): BounceReading {
  const reason = suppressionReasonOf(raw);
  return reason !== undefined && Object.hasOwn(SUPPRESSION_READINGS, reason) ? SUPPRESSION_READINGS[reason as keyof typeof SUPPRESSION_READINGS] : NO_READING;
}

/** The SMTP reply code and enhanced status, from the receiving server's reply or else Postmark's description. */
function addReplyCodes(out: EventDetails, raw: unknown): void {
  const codes = replyCodesOf(raw, "Details") ?? replyCodesOf(raw, "Description");
  if (codes === undefined) return;
  setDetail(out, "smtpCode", codes.smtpCode);
  setDetail(out, "enhancedStatus", codes.enhancedStatus);
}

function replyCodesOf(raw: unknown, key: string): { smtpCode?: string; enhancedStatus?: string } | undefined {
  const reply = text(field(raw, key));
  if (reply === undefined || !mayStartWithCodes(reply)) return undefined;
  const codes = smtpCodes(reply.replace(SMTP_PREFIX, ""));
  return codes.smtpCode !== undefined || codes.enhancedStatus !== undefined ? codes : undefined;
}

/**
 * False when smtpCodes would surely find nothing: its codes stand at the start, after blanks and
 * the `smtp;` prefix, so a reply opening with any other printable character ("Test bounce
 * details") holds none, and the two regexes are skipped.
 */
function mayStartWithCodes(reply: string): boolean {
  const c = reply.charCodeAt(0);
  return c <= 32 || c >= 127 || (c >= 48 && c <= 57) || c === 35 /* # */ || (c | 32) === 115 /* s */;
}

function addClient(out: EventDetails, raw: unknown): void {
  setDetail(out, "userAgent", text(field(raw, "UserAgent")));
  setDetail(out, "ip", text(at(raw, "Geo", "IP")));
}
