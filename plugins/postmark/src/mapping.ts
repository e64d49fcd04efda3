import { ignore, type BounceClass, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Postmark's bounce `Type` values and their `TypeCode`s, from the Bounce API's "Bounce types"
 * table (https://postmarkapp.com/developer/api/bounce-api#bounce-types); the official Node
 * library's `BounceTypeCode` enum lists the same pairs.
 */
export const BOUNCE_TYPE_CODES = {
  HardBounce: 1,
  Transient: 2,
  Unsubscribe: 16,
  Subscribe: 32,
  AutoResponder: 64,
  AddressChange: 128,
  DnsError: 256,
  SpamNotification: 512,
  OpenRelayTest: 1024,
  Unknown: 2048,
  SoftBounce: 4096,
  VirusNotification: 8192,
  ChallengeVerification: 16384,
  BadEmailAddress: 100000,
  SpamComplaint: 100001,
  ManuallyDeactivated: 100002,
  Unconfirmed: 100003,
  Blocked: 100006,
  SMTPApiError: 100007,
  InboundError: 100008,
  DMARCPolicy: 100009,
  TemplateRenderingFailed: 100010,
} as const;
export type BounceType = keyof typeof BOUNCE_TYPE_CODES;

/** `SubscriptionChange` is refined by `SuppressionReason`, and a manual suppression by its `Origin`. */
export const SUPPRESSION_REASONS = ["HardBounce", "SpamComplaint", "ManualSuppression"] as const;
export const SUPPRESSION_ORIGINS = ["Recipient", "Customer", "Admin"] as const;

/**
 * Every `RecordType` of Postmark's outbound webhooks (postmarkapp.com/developer/webhooks), a
 * `Bounce` refined by its `Type`, a `SubscriptionChange` by whether it suppresses or reactivates
 * and why, and `Inbound`, the inbound webhook's message (it carries no `RecordType`).
 */
export const EVENTS = [
  "Delivery",
  "Open",
  "Click",
  "SpamComplaint",
  "Bounce:HardBounce",
  "Bounce:Transient",
  "Bounce:Unsubscribe",
  "Bounce:Subscribe",
  "Bounce:AutoResponder",
  "Bounce:AddressChange",
  "Bounce:DnsError",
  "Bounce:SpamNotification",
  "Bounce:OpenRelayTest",
  "Bounce:Unknown",
  "Bounce:SoftBounce",
  "Bounce:VirusNotification",
  "Bounce:ChallengeVerification",
  "Bounce:BadEmailAddress",
  "Bounce:SpamComplaint",
  "Bounce:ManuallyDeactivated",
  "Bounce:Unconfirmed",
  "Bounce:Blocked",
  "Bounce:SMTPApiError",
  "Bounce:InboundError",
  "Bounce:DMARCPolicy",
  "Bounce:TemplateRenderingFailed",
  "SubscriptionChange:HardBounce",
  "SubscriptionChange:SpamComplaint",
  "SubscriptionChange:ManualSuppression:Recipient",
  "SubscriptionChange:ManualSuppression:Customer",
  "SubscriptionChange:ManualSuppression:Admin",
  "SubscriptionChange:Reactivated",
  "Inbound",
] as const;
export type PostmarkEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<PostmarkEvent> = {
  Delivery: "delivered",
  Open: "opened",
  Click: "clicked",
  SpamComplaint: "spam",
  "Bounce:HardBounce": "bounced",
  // "could not temporarily deliver" (Message delayed): the receiving side has not given up.
  "Bounce:Transient": "deferred",
  // The recipient's reply asks to be removed.
  "Bounce:Unsubscribe": "unsubscribed",
  "Bounce:Subscribe": ignore("a reply asking to be added to a list; the vocabulary has no status for opting in"),
  "Bounce:AutoResponder": ignore("an automatic reply (out of office): it says nothing about delivery"),
  "Bounce:AddressChange": ignore("a reply announcing a new address; it says nothing about delivery"),
  "Bounce:DnsError": "deferred",
  // Postmark: the receiving server rejected the message completely, taking it for spam.
  "Bounce:SpamNotification": "blocked",
  "Bounce:OpenRelayTest": ignore("a probe testing whether Postmark's server is an open relay, not about the message"),
  // A non-delivery report Postmark could not classify.
  "Bounce:Unknown": "bounced",
  // Postmark stops retrying once it reports a soft bounce: final for this message, not for the address.
  "Bounce:SoftBounce": "bounced",
  // The receiving server refused a message it took for infected: a content policy.
  "Bounce:VirusNotification": "blocked",
  "Bounce:ChallengeVerification": ignore("a challenge-response filter asks the sender to confirm; it waits for the sender, not a retry"),
  "Bounce:BadEmailAddress": "dropped",
  "Bounce:SpamComplaint": "spam",
  "Bounce:ManuallyDeactivated": "dropped",
  "Bounce:Unconfirmed": "dropped",
  "Bounce:Blocked": "blocked",
  // "An error occurred while accepting an email through the SMTP API": the request itself failed.
  "Bounce:SMTPApiError": "rejected",
  "Bounce:InboundError": ignore("an inbound message Postmark could not post to the inbound webhook, not an outbound message"),
  "Bounce:DMARCPolicy": "blocked",
  "Bounce:TemplateRenderingFailed": "failed",
  // The suppression that follows a hard bounce or a spam complaint names the message that caused it;
  // Postmark documents it as the bounce notice of streams without a Bounce webhook.
  "SubscriptionChange:HardBounce": "bounced",
  "SubscriptionChange:SpamComplaint": "spam",
  // Postmark records a recipient's unsubscribe as a manual suppression whose origin is the recipient.
  "SubscriptionChange:ManualSuppression:Recipient": "unsubscribed",
  "SubscriptionChange:ManualSuppression:Customer": ignore("the sender suppressed the address by hand; no message is involved"),
  "SubscriptionChange:ManualSuppression:Admin": ignore("Postmark suppressed the address by hand; no message is involved"),
  "SubscriptionChange:Reactivated": ignore("the address may receive mail again; the vocabulary has no status for opting back in"),
  Inbound: ignore("an inbound email posted by Postmark's inbound webhook, not a delivery event"),
};

/**
 * What a mapped bounce type says beyond its status. A receiver's policy refusal says nothing about
 * the address, so its class is undetermined.
 */
export interface BounceReading {
  readonly bounceClass?: BounceClass;
  readonly rejectReason?: RejectReason;
}

export const BOUNCE_READINGS: Partial<Record<BounceType, BounceReading>> = {
  HardBounce: { bounceClass: "hard", rejectReason: "bounced" },
  Transient: { bounceClass: "soft" },
  Unsubscribe: { rejectReason: "unsubscribed" },
  DnsError: { bounceClass: "soft" },
  SpamNotification: { bounceClass: "undetermined", rejectReason: "blocked" },
  Unknown: { bounceClass: "undetermined", rejectReason: "other" },
  SoftBounce: { bounceClass: "soft", rejectReason: "bounced" },
  VirusNotification: { bounceClass: "undetermined", rejectReason: "blocked" },
  BadEmailAddress: { rejectReason: "invalid" },
  SpamComplaint: { rejectReason: "spam" },
  ManuallyDeactivated: { rejectReason: "other" },
  Unconfirmed: { rejectReason: "other" },
  Blocked: { bounceClass: "undetermined", rejectReason: "blocked" },
  SMTPApiError: { rejectReason: "other" },
  DMARCPolicy: { bounceClass: "undetermined", rejectReason: "blocked" },
  TemplateRenderingFailed: { rejectReason: "other" },
};

export const SUPPRESSION_READINGS: Readonly<Record<(typeof SUPPRESSION_REASONS)[number], BounceReading>> = {
  HardBounce: { bounceClass: "hard", rejectReason: "bounced" },
  SpamComplaint: { rejectReason: "spam" },
  ManualSuppression: { rejectReason: "unsubscribed" },
};

