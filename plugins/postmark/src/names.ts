import { count, field, isRecord } from "@tidings/core";
import { BOUNCE_TYPE_CODES, SUPPRESSION_ORIGINS, SUPPRESSION_REASONS, type BounceType } from "./mapping.js";

export const RECORD_TYPES = ["Delivery", "Bounce", "SpamComplaint", "Open", "Click", "SubscriptionChange"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * Postmark's spelling of each name, found by its lower-case form: enum-like values compare
 * case-insensitively. The spelling itself is a key too, so a value sent as documented (nearly
 * all of them) is found without lower-casing it first.
 */
function spellings<const T extends string>(names: readonly T[]): ReadonlyMap<string, T> {
  return new Map(names.flatMap((name) => [[name.toLowerCase(), name] as const, [name, name] as const]));
}

const RECORD_TYPE_SPELLINGS = spellings(RECORD_TYPES);
const BOUNCE_TYPE_SPELLINGS = spellings(Object.keys(BOUNCE_TYPE_CODES) as BounceType[]);
const BOUNCE_TYPES_BY_CODE: ReadonlyMap<number, BounceType> = new Map(
  (Object.entries(BOUNCE_TYPE_CODES) as [BounceType, number][]).map(([type, code]) => [code, type]),
);
/** "Bounce:<type>" for each documented type, written once rather than per event. */
const BOUNCE_EVENT_NAMES: ReadonlyMap<string, string> = new Map(
  (Object.keys(BOUNCE_TYPE_CODES) as BounceType[]).map((type) => [type, `Bounce:${type}`]),
);
const REASON_SPELLINGS = spellings(SUPPRESSION_REASONS);
const ORIGIN_SPELLINGS = spellings(SUPPRESSION_ORIGINS);

/** The documented spelling of `value`, or `value` as sent when Postmark documents no such name. */
function spelled<T extends string>(table: ReadonlyMap<string, T>, value: unknown): T | string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  return table.get(value) ?? table.get(value.toLowerCase()) ?? value;
}

export function isRecordType(name: string | undefined): name is RecordType {
  return name !== undefined && RECORD_TYPE_SPELLINGS.get(name.toLowerCase()) === name;
}

export function recordTypeOf(raw: unknown): RecordType | string | undefined {
  return spelled(RECORD_TYPE_SPELLINGS, field(raw, "RecordType"));
}

/** A bounce's `Type`, or the type its `TypeCode` stands for when `Type` is absent. */
export function bounceTypeOf(raw: unknown): BounceType | string | undefined {
  const type = spelled(BOUNCE_TYPE_SPELLINGS, field(raw, "Type"));
  if (type !== undefined) return type;
  const code = count(field(raw, "TypeCode"));
  return code === undefined ? undefined : BOUNCE_TYPES_BY_CODE.get(code);
}

export function isBounceType(name: string | undefined): name is BounceType {
  return name !== undefined && Object.hasOwn(BOUNCE_TYPE_CODES, name);
}

/**
 * The mapping key of a raw event: the `RecordType`, a bounce refined by its type, a subscription
 * change by its direction, reason and origin. The inbound webhook's message has no `RecordType`;
 * it is known by its parsed sender, `FromFull`.
 */
export function eventName(raw: unknown): string | undefined {
  const recordType = field(raw, "RecordType");
  if (recordType === undefined) return isRecord(field(raw, "FromFull")) ? "Inbound" : undefined;
  const name = spelled(RECORD_TYPE_SPELLINGS, recordType);
  if (name === "Bounce") {
    const type = bounceTypeOf(raw);
    return type === undefined ? name : BOUNCE_EVENT_NAMES.get(type) ?? `${name}:${type}`;
  }
  return name === "SubscriptionChange" ? subscriptionChangeName(raw) : name;
}

/**
 * `SuppressSending` false is a reactivation (its reason is null); true is a suppression whose
 * `SuppressionReason` says why, and whose `Origin` tells a recipient's unsubscribe from a sender's
 * or Postmark's manual suppression. A suppression without a reason has no documented meaning.
 */
function subscriptionChangeName(raw: unknown): string {
  const suppress = field(raw, "SuppressSending");
  if (suppress === false) return "SubscriptionChange:Reactivated";
  const reason = suppress === true ? spelled(REASON_SPELLINGS, field(raw, "SuppressionReason")) : undefined;
  if (reason === undefined) return "SubscriptionChange";
  if (reason !== "ManualSuppression") return `SubscriptionChange:${reason}`;
  const origin = spelled(ORIGIN_SPELLINGS, field(raw, "Origin"));
  return origin === undefined ? `SubscriptionChange:${reason}` : `SubscriptionChange:${reason}:${origin}`;
}

export function suppressionReasonOf(raw: unknown): string | undefined {
  return field(raw, "SuppressSending") === true ? spelled(REASON_SPELLINGS, field(raw, "SuppressionReason")) : undefined;
}
