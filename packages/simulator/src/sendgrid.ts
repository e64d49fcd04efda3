import { sign, type KeyObject } from "node:crypto";
import type { Random } from "./random.js";
import type { SimulatedRequest } from "./request.js";

export const SENDGRID_EVENTS = ["processed", "deferred", "delivered", "open", "click", "bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe", "group_resubscribe"] as const;

export interface SendgridTrafficOptions {
  readonly batchSize: number;
  /** Signs each batch as SendGrid's signed Event Webhook does. */
  readonly signWith?: KeyObject;
  readonly headers?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
}

export function sendgridEvent(event: (typeof SENDGRID_EVENTS)[number], random: Random, now: Date): Record<string, unknown> {
  const messageId = `${random.hex(11)}.${random.hex(3)}.${random.hex(6)}`;
  const base: Record<string, unknown> = {
    email: `user${random.int(1, 9999)}@example.com`,
    timestamp: Math.floor(now.getTime() / 1000) - random.int(0, 30),
    "smtp-id": `<${messageId}@ismtpd-${random.int(1, 99)}>`,
    event,
    category: random.next() < 0.5 ? "transactional" : ["transactional", "receipts"],
    sg_event_id: Buffer.from(random.hex(24), "hex").toString("base64url"),
    sg_message_id: `${messageId}.filter0001.16648.5515E0B88.0`,
  };
  switch (event) {
    case "deferred":
      return { ...base, response: "400 try again later", attempt: String(random.int(1, 5)) };
    case "delivered":
      return { ...base, response: "250 OK", ip: "168.1.1.1", tls: 1 };
    case "bounce":
      return random.next() < 0.3
        ? { ...base, type: "blocked", reason: "550 5.7.1 blocked by policy", status: "5.7.1", bounce_classification: "Reputation" }
        : { ...base, type: "bounce", reason: "550 5.1.1 user unknown", status: "5.1.1", bounce_classification: "Invalid Address" };
    case "dropped":
      return { ...base, reason: "Bounced Address", status: "5.0.0" };
    case "open":
      return { ...base, useragent: "Mozilla/5.0", ip: "255.255.255.255", sg_machine_open: random.next() < 0.2 };
    case "click":
      return { ...base, useragent: "Mozilla/5.0", url: `https://shop.example.com/p/${random.int(1, 999)}` };
    case "group_unsubscribe":
    case "group_resubscribe":
      return { ...base, asm_group_id: random.int(1, 20) };
    default:
      return base;
  }
}

/** SendGrid's wire form: a JSON array, CRLF between events and at the end. */
export function sendgridBody(events: readonly unknown[]): string {
  return `[${events.map((e) => JSON.stringify(e)).join(",\r\n")}]\r\n`;
}

/** The two signature headers for a body, over the timestamp text followed by the raw bytes. */
export function sendgridSignatureHeaders(body: string | Uint8Array, key: KeyObject, timestamp: string): Record<string, string> {
  const signed = Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]);
  return {
    "x-twilio-email-event-webhook-signature": sign("sha256", signed, { key, dsaEncoding: "der" }).toString("base64"),
    "x-twilio-email-event-webhook-timestamp": timestamp,
  };
}

export function sendgridTraffic(options: SendgridTrafficOptions, random: Random): () => SimulatedRequest {
  const now = options.now ?? (() => new Date());
  return () => {
    const at = now();
    const events = Array.from({ length: options.batchSize }, () => sendgridEvent(random.pick(SENDGRID_EVENTS), random, at));
    const body = sendgridBody(events);
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    if (options.signWith !== undefined) Object.assign(headers, sendgridSignatureHeaders(body, options.signWith, String(Math.floor(at.getTime() / 1000))));
    return { contentType: "application/json", body, headers, events: events.length, duplicate: false };
  };
}
