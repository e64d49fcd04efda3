import { at, describeFields, field, firstAt, smtpCodes, text, textList, textMap, type EventDetails } from "@tidings/core";
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

function knownRecordType(raw: unknown): RecordType | undefined {
  const type = recordTypeOf(raw);
  return isRecordType(type) ? type : undefined;
}

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
      return describeFields(raw, { type: [["Type"]], details: [["Details"]] });
    case "Click":
      return text(field(raw, "OriginalLink"));
    case "SubscriptionChange":
      return describeFields(raw, { reason: [["SuppressionReason"]], origin: [["Origin"]] });
    default:
      return undefined;
  }
}

/**
 * Each reading is assigned into `common` rather than spread into a new object: V8 spreads an
 * object with further properties through a slow path that cost microseconds per event.
 */
export function details(raw: unknown): EventDetails | undefined {
  const type = knownRecordType(raw);
  if (type === undefined) return undefined;
  const common: EventDetails = {
    recipient: text(firstAt(raw, [["Recipient"], ["Email"]])),
    tags: textList(field(raw, "Tag")),
    metadata: textMap(field(raw, "Metadata")),
  };
  switch (type) {
    case "Delivery":
      return Object.assign(common, replyCodes(raw), { mtaResponse: text(field(raw, "Details")) });
    case "Bounce":
      return Object.assign(common, bounceReading(raw), replyCodes(raw), {
        mtaResponse: text(field(raw, "Details")),
        description: text(field(raw, "Description")),
      });
    case "SpamComplaint":
      return Object.assign(common, { rejectReason: "spam" as const, description: text(field(raw, "Description")) ?? text(field(raw, "Details")) });
    case "Open":
      return Object.assign(common, client(raw));
    case "Click":
      return Object.assign(common, client(raw), { clickUrl: text(field(raw, "OriginalLink")) });
    case "SubscriptionChange":
      return Object.assign(common, suppressionReading(raw), { description: describeFields(raw, { origin: [["Origin"]] }) });
  }
}

function bounceReading(raw: unknown): BounceReading {
  const type = bounceTypeOf(raw);
  return (isBounceType(type) ? BOUNCE_READINGS[type] : undefined) ?? {};
}

function suppressionReading(raw: unknown): BounceReading {
  const reason = suppressionReasonOf(raw);
  return reason !== undefined && Object.hasOwn(SUPPRESSION_READINGS, reason) ? SUPPRESSION_READINGS[reason as keyof typeof SUPPRESSION_READINGS] : {};
}

/** The SMTP reply code and enhanced status, from the receiving server's reply or else Postmark's description. */
function replyCodes(raw: unknown): EventDetails {
  for (const key of ["Details", "Description"]) {
    const codes = smtpCodes(text(field(raw, key))?.replace(SMTP_PREFIX, ""));
    if (codes.smtpCode !== undefined || codes.enhancedStatus !== undefined) return codes;
  }
  return {};
}

function client(raw: unknown): EventDetails {
  return { userAgent: text(field(raw, "UserAgent")), ip: text(at(raw, "Geo", "IP")) };
}
