import { field, isRecord, joinParts, smtpCodes, text, textList, textMap, type BounceClass, type EventDetails, type RejectReason } from "@tidings/core";
import { factsOf, recipientAddress, SesItem, snsMessageId } from "./events.js";
import { MAPPING, type SesEvent } from "./mapping.js";

/**
 * Field readers over raw SES events. Every field is documented in "Contents of event data that
 * Amazon SES publishes to Amazon SNS" unless a comment says otherwise.
 */

/** The event's own time (`bounce.timestamp`, `open.timestamp`...); Send, Reject and Rendering Failure have none, so the send time. */
export function eventDate(raw: unknown): string | undefined {
  if (!(raw instanceof SesItem)) return undefined;
  return text(field(factsOf(raw.event).own, "timestamp")) ?? text(field(field(raw.event, "mail"), "timestamp"));
}

/** The id SES returned at send time. */
export function externalId(raw: unknown): string | undefined {
  return raw instanceof SesItem ? text(field(field(raw.event, "mail"), "messageId")) : undefined;
}

/**
 * The SNS MessageId, which SNS keeps on every retry; a recipient's share of an event adds the
 * recipient (its position when the entry names no address).
 */
export function eventId(raw: unknown): string | undefined {
  const id = snsMessageId(raw);
  if (id === undefined || !(raw instanceof SesItem) || raw.index === undefined) return id;
  return `${id}#${recipientAddress(raw.recipient) ?? raw.index}`;
}

export function response(raw: unknown): string | undefined {
  if (!(raw instanceof SesItem)) return undefined;
  const { type, own } = factsOf(raw.event);
  switch (type) {
    case "Bounce":
      return reply(raw.recipient) ?? classification(own);
    case "DeliveryDelay":
      return reply(raw.recipient) ?? text(field(own, "delayType"));
    case "Delivery":
      return text(field(own, "smtpResponse"));
    case "Complaint":
      return text(field(own, "complaintFeedbackType"));
    case "Reject":
      return text(field(own, "reason"));
    case "Rendering Failure":
      return text(field(own, "errorMessage"));
    case "Click":
      return text(field(own, "link"));
    default:
      return undefined;
  }
}

const BOUNCE_CLASSES: ReadonlyMap<string, BounceClass> = new Map<SesEvent, BounceClass>([
  ["Bounce", "undetermined"],
  ["Bounce:Permanent", "hard"],
  ["Bounce:Transient", "soft"],
  ["Bounce:Transient:ContentRejected", "soft"],
  ["Bounce:Transient:AttachmentRejected", "soft"],
  ["Bounce:Undetermined", "undetermined"],
]);

const REJECT_REASONS: ReadonlyMap<string, RejectReason> = new Map<SesEvent, RejectReason>([
  ["Bounce", "bounced"],
  ["Bounce:Permanent", "bounced"],
  // "a recent history of bouncing as an invalid address"
  ["Bounce:Permanent:Suppressed", "invalid"],
  // Assumed: SES reports an address suppressed for bounces as a bounce, and one suppressed for complaints as a complaint.
  ["Bounce:Permanent:OnAccountSuppressionList", "bounced"],
  ["Complaint:OnAccountSuppressionList", "spam"],
  ["Bounce:Transient", "bounced"],
  ["Bounce:Transient:ContentRejected", "blocked"],
  ["Bounce:Transient:AttachmentRejected", "blocked"],
  ["Bounce:Undetermined", "bounced"],
  // The only documented reason is "Bad content": SES found a virus.
  ["Reject", "blocked"],
]);

export function details(raw: unknown): EventDetails | undefined {
  if (!(raw instanceof SesItem)) return undefined;
  const facts = factsOf(raw.event);
  const name = facts.name ?? "";
  const { type, own } = facts;
  const mail = field(raw.event, "mail");
  const serverReply = type === "Delivery" ? text(field(own, "smtpResponse")) : reply(raw.recipient);
  const codes = serverReply === undefined ? NO_CODES : smtpCodes(serverReply);
  const engaged = type === "Open" || type === "Click";
  return {
    recipient: raw.recipient === undefined ? soleDestination(mail) : recipientAddress(raw.recipient),
    tags: configurationSet(field(field(mail, "tags"), "ses:configuration-set")),
    metadata: metadataOf(mail, type === "Click" ? field(own, "linkTags") : undefined),
    clickUrl: type === "Click" ? text(field(own, "link")) : undefined,
    userAgent: engaged ? text(field(own, "userAgent")) : undefined,
    ip: engaged ? text(field(own, "ipAddress")) : undefined,
    bounceClass: BOUNCE_CLASSES.get(name) ?? (statusOf(name) === "deferred" ? "soft" : undefined),
    rejectReason: name === "Bounce:Permanent" && text(field(own, "bounceSubType"))?.toLowerCase() === "noemail" ? "invalid" : REJECT_REASONS.get(name),
    smtpCode: codes.smtpCode,
    enhancedStatus: enhancedStatus(field(raw.recipient, "status")) ?? codes.enhancedStatus,
    mtaResponse: serverReply,
    description: describe(type, own),
  };
}

const NO_CODES: { smtpCode?: string; enhancedStatus?: string } = Object.freeze({});

function configurationSet(value: unknown): string[] | undefined {
  return value === undefined ? undefined : textList(value);
}

function statusOf(name: string): string | undefined {
  const target = Object.hasOwn(MAPPING, name) ? MAPPING[name as SesEvent] : undefined;
  return typeof target === "string" ? target : undefined;
}

/** A recipient entry's `diagnosticCode` without its DSN diagnostic type ("smtp; 550 5.1.1 ..." -> "550 5.1.1 ..."). */
function reply(entry: unknown): string | undefined {
  if (entry === undefined) return undefined;
  const diagnostic = text(field(entry, "diagnosticCode"));
  return diagnostic === undefined ? undefined : diagnostic.replace(/^\s*[A-Za-z][\w-]*\s*;\s*/, "") || undefined;
}

function enhancedStatus(value: unknown): string | undefined {
  const status = text(value);
  return status !== undefined && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : undefined;
}

/** SES does not say which recipient opened, clicked or was sent to; only a single destination tells. */
function soleDestination(mail: unknown): string | undefined {
  const destination = field(mail, "destination");
  return Array.isArray(destination) && destination.length === 1 ? text(destination[0]) : undefined;
}

/**
 * The sender's message tags (every `mail.tags` entry but SES's own `ses:*` ones), each value list
 * joined with ","; for a click, the link's `ses:tags` too, which win on a clash. The
 * `X-SES-MESSAGE-TAGS` header repeats the message tags and is only there when headers are included,
 * so it is not read.
 */
function metadataOf(mail: unknown, linkTags: unknown): Record<string, string> | undefined {
  const messageTags = field(mail, "tags");
  if (!isRecord(messageTags) && !isRecord(linkTags)) return undefined;
  const entries: [string, string][] = [];
  for (const tags of [messageTags, linkTags]) {
    if (!isRecord(tags)) continue;
    for (const key of Object.keys(tags)) {
      const values = textList(tags[key]);
      if (!key.startsWith("ses:") && values !== undefined) entries.push([key, values.join(",")]);
    }
  }
  return textMap(Object.fromEntries(entries));
}

function classification(own: unknown): string | undefined {
  const type = text(field(own, "bounceType"));
  const subtype = text(field(own, "bounceSubType"));
  if (type === undefined) return subtype;
  return subtype === undefined ? type : `${type}/${subtype}`;
}

function describe(type: string | undefined, own: unknown): string | undefined {
  switch (type) {
    case "Bounce":
      return classification(own);
    case "Complaint":
      return joinParts([text(field(own, "complaintFeedbackType")), text(field(own, "complaintSubType"))]);
    case "DeliveryDelay":
      return joinParts([text(field(own, "delayType")), prefixed("expires", text(field(own, "expirationTime")))]);
    case "Reject":
      return text(field(own, "reason"));
    case "Rendering Failure":
      return joinParts([text(field(own, "errorMessage")), prefixed("template", text(field(own, "templateName")))]);
    case "Subscription":
      return joinParts([prefixed("contact list", text(field(own, "contactList"))), prefixed("source", text(field(own, "source")))]);
    default:
      return undefined;
  }
}

function prefixed(label: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${label} ${value}`;
}
