import { count, type BounceClass, type RejectReason } from "@tidings/core";

/** SparkPost's categories of bounce classes; "block", "soft" and "undetermined" are usually temporary. */
type Category = "undetermined" | "hard" | "soft" | "admin" | "block";

/** How a class changes the event's name: a `bounce` of class 50 is a block, not a bounce. */
export type Refinement = "block" | "admin" | "auto_reply" | "subscribe" | "unsubscribe";

export interface BounceClassInfo {
  readonly code: number;
  readonly name: string;
  readonly category: Category;
  readonly refinement?: Refinement;
  /** Why the message was not delivered, when the class is a failure at all. */
  readonly rejectReason?: RejectReason;
}

/**
 * The bounce classification codes as SparkPost documents them
 * (https://support.sparkpost.com/docs/deliverability/bounce-classification-codes).
 */
const TABLE: readonly BounceClassInfo[] = [
  { code: 1, name: "Undetermined", category: "undetermined", rejectReason: "other" },
  { code: 10, name: "Invalid Recipient", category: "hard", rejectReason: "invalid" },
  { code: 20, name: "Soft Bounce", category: "soft", rejectReason: "bounced" },
  { code: 21, name: "DNS Failure", category: "soft", rejectReason: "bounced" },
  { code: 22, name: "Mailbox Full", category: "soft", rejectReason: "bounced" },
  { code: 23, name: "Too Large", category: "soft", rejectReason: "bounced" },
  { code: 24, name: "Timeout", category: "soft", rejectReason: "timed_out" },
  { code: 25, name: "Admin Failure", category: "admin", refinement: "admin", rejectReason: "blocked" },
  { code: 30, name: "Generic Bounce: No RCPT", category: "hard", rejectReason: "bounced" },
  { code: 40, name: "Generic Bounce", category: "soft", rejectReason: "bounced" },
  { code: 50, name: "Mail Block", category: "block", refinement: "block", rejectReason: "blocked" },
  { code: 51, name: "Spam Block", category: "block", refinement: "block", rejectReason: "spam" },
  { code: 52, name: "Spam Content", category: "block", refinement: "block", rejectReason: "spam" },
  { code: 53, name: "Prohibited Attachment", category: "block", refinement: "block", rejectReason: "blocked" },
  { code: 54, name: "Relaying Denied", category: "block", refinement: "block", rejectReason: "blocked" },
  { code: 60, name: "Auto-Reply", category: "soft", refinement: "auto_reply" },
  { code: 70, name: "Transient Failure", category: "soft", rejectReason: "bounced" },
  { code: 80, name: "Subscribe", category: "admin", refinement: "subscribe" },
  { code: 90, name: "Unsubscribe", category: "hard", refinement: "unsubscribe", rejectReason: "unsubscribed" },
  { code: 100, name: "Challenge-Response", category: "soft", refinement: "auto_reply" },
];

const BY_CODE: ReadonlyMap<number, BounceClassInfo> = new Map(TABLE.map((info) => [info.code, info]));

/** A class SparkPost sends but does not document is, in its own words, one it "could not identify". */
function undocumented(code: number): BounceClassInfo {
  return { code, name: "Undocumented", category: "undetermined", rejectReason: "other" };
}

/** The documented class of a `bounce_class` value ("10" or 10), or undefined when there is none. */
export function bounceClassOf(value: unknown): BounceClassInfo | undefined {
  const code = count(value);
  if (code === undefined) return undefined;
  return BY_CODE.get(code) ?? undocumented(code);
}

/**
 * The vocabulary's bounce class: SparkPost's own category, with "block" read as soft since
 * SparkPost calls blocks usually temporary (the address itself is not bad). Admin classes are
 * SparkPost's decisions, not a receiver's verdict, so they have none.
 */
export function vocabularyClass(info: BounceClassInfo): BounceClass | undefined {
  switch (info.category) {
    case "hard":
      return "hard";
    case "soft":
    case "block":
      return "soft";
    case "undetermined":
      return "undetermined";
    case "admin":
      return undefined;
  }
}

/** "bounce class 10 (Invalid Recipient)", for the response text. */
export function describeClass(info: BounceClassInfo): string {
  return `bounce class ${info.code} (${info.name})`;
}
