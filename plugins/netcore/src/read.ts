import { count, field, lower, perEvent, smtpCodes, text, textList, type EventDetails, type RejectReason } from "@tidings/core";
import type { NetcoreEvent } from "./mapping.js";

/** The mapping key of one event: `EVENT`, with a bounce refined by its `BOUNCE_TYPE`; the engine asks, then details ask again. */
export const eventName = perEvent(nameOf);

function nameOf(raw: unknown): string | undefined {
  const event = lower(field(raw, "EVENT"));
  if (event !== "bounced") return event;
  const type = lower(field(raw, "BOUNCE_TYPE"));
  return type === "hardbounce" ? "bounced:hard" : type === "softbounce" ? "bounced:soft" : "bounced";
}

/** `TIMESTAMP`: unix seconds, a number in the current pages and digits in a string in older ones. */
export function eventTime(raw: unknown): number | undefined {
  const value = field(raw, "TIMESTAMP");
  return typeof value === "string" && isShortDigits(value) ? Number(value) : count(value);
}

/** 1 to 15 ASCII digits and nothing else: the common case of `count`, without its regex. */
function isShortDigits(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `TRANSID`, "a Unique Transaction ID for each and every email": the only message id an event
 * carries. It is an Int64 that JSON numbers cannot hold exactly, so core hands it over as the
 * exact digits.
 */
export function transactionId(raw: unknown): string | undefined {
  return text(field(raw, "TRANSID"));
}

/** The end server's reply or Netcore's drop reason, the bounce reason, and the clicked link. */
export function response(raw: unknown): string | undefined {
  let out = reply(raw);
  const reason = text(field(raw, "BOUNCE_REASON"));
  if (reason !== undefined) out = out === undefined ? `bounce reason: ${reason}` : `${out}; bounce reason: ${reason}`;
  const url = text(field(raw, "URL"));
  if (url !== undefined) out = out === undefined ? url : `${out}; ${url}`;
  return out;
}

type Kind = "delivery" | "bounce" | "not-sent" | "engagement";

const KINDS: Readonly<Record<NetcoreEvent, Kind>> = {
  sent: "delivery",
  delivered: "delivery",
  "bounced:hard": "bounce",
  "bounced:soft": "bounce",
  bounced: "bounce",
  dropped: "not-sent",
  invalid: "not-sent",
  opened: "engagement",
  clicked: "engagement",
  unsubscribed: "engagement",
  spam: "engagement",
  abuse: "engagement",
};

/**
 * One object, filled in the order the fields are read, with only the fields present: spreading
 * partial readings into a new object per event cost more than reading the payload (about 4 us of
 * an event's 7), and an absent field would make the engine copy the object without it.
 */
export function details(raw: unknown): EventDetails | undefined {
  const name = eventName(raw);
  if (name === undefined || !Object.hasOwn(KINDS, name)) return undefined;
  const out: EventDetails = {};
  const recipient = text(field(raw, "EMAIL"));
  if (recipient !== undefined) out.recipient = recipient;
  const tags = textList(field(raw, "TAGS"));
  if (tags !== undefined) out.tags = tags;
  const metadata = apiHeader(raw);
  if (metadata !== undefined) out.metadata = metadata;
  switch (KINDS[name as NetcoreEvent]) {
    case "delivery":
      addServerReply(out, raw);
      return out;
    case "bounce": {
      addServerReply(out, raw);
      addBounce(out, name);
      const description = text(field(raw, "BOUNCE_REASON"));
      if (description !== undefined) out.description = description;
      return out;
    }
    case "not-sent": {
      const description = reply(raw);
      out.rejectReason = name === "invalid" ? "invalid" : dropReason(description);
      if (description !== undefined) out.description = description;
      return out;
    }
    case "engagement": {
      // USERAGENT and IPADDRESS are documented for engagement events only; Pepipost's own sample
      // of a sent event carries a number in USERAGENT, which is no user agent.
      const userAgent = text(field(raw, "USERAGENT"));
      if (userAgent !== undefined) out.userAgent = userAgent;
      const ip = text(field(raw, "IPADDRESS"));
      if (ip !== undefined) out.ip = ip;
      const clickUrl = name === "clicked" ? text(field(raw, "URL")) : undefined;
      if (clickUrl !== undefined) out.clickUrl = clickUrl;
      return out;
    }
  }
}

/** `RESPONSE` without the blanks and the trailing CR the documented samples carry; response and details both read it. */
const reply = perEvent((raw): string | undefined => {
  const value = text(field(raw, "RESPONSE"))?.trim();
  return value === "" ? undefined : value;
});

/** Netcore writes the end server's reply after "smtp;", "->", "->host <name> said:" or " - ". */
const REPLY_PREFIX = /^(?:smtp;|->|-)?\s*(?:host\s+\S+\s+said:\s*)?/i;

function addServerReply(out: EventDetails, raw: unknown): void {
  const value = reply(raw);
  if (value === undefined) return;
  out.mtaResponse = value;
  const codes = smtpCodes(value.replace(REPLY_PREFIX, ""));
  if (codes.smtpCode !== undefined) out.smtpCode = codes.smtpCode;
  if (codes.enhancedStatus !== undefined) out.enhancedStatus = codes.enhancedStatus;
}

function addBounce(out: EventDetails, name: string): void {
  if (name === "bounced:soft") {
    out.bounceClass = "soft";
    return;
  }
  out.bounceClass = name === "bounced:hard" ? "hard" : "undetermined";
  out.rejectReason = "bounced";
}

/**
 * Netcore's documented drop reasons ("Email dropped: User suppressed due to unsubscription", "...
 * due to hard bounce", "... due to abuse complaint", "User added to suppression list manually",
 * "User present in global blacklisting") in the words of a suppression list.
 */
function dropReason(reason: string | undefined): RejectReason {
  if (reason === undefined) return "other";
  if (/unsubscri/i.test(reason)) return "unsubscribed";
  if (/bounce/i.test(reason)) return "bounced";
  if (/abuse|spam|complain/i.test(reason)) return "spam";
  if (/invalid/i.test(reason)) return "invalid";
  return "other";
}

/** `X-APIHEADER`: one value the sender attached at send time ("we store it as plain text and return the same"). */
function apiHeader(raw: unknown): Record<string, string> | undefined {
  const value = text(field(raw, "X-APIHEADER"));
  return value === undefined ? undefined : { "X-APIHEADER": value };
}
