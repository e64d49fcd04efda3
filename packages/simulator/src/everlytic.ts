import { encodeForm } from "@tidings/core";
import { EVENT_TYPES, type EventType, type FieldSet, type PayloadContentType } from "@tidings/everlytic";
import type { Random } from "./random.js";
import { basicAuth, type SimulatedRequest } from "./request.js";

/** The eight event types Everlytic's Create Webhook document lists. */
export const EVERLYTIC_TYPES = EVENT_TYPES;
export type EverlyticType = EventType;

export interface EverlyticTrafficOptions {
  readonly fieldSet: FieldSet;
  readonly contentType: PayloadContentType;
  /** The basic auth registered with the webhook (auth_details). */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Extra headers, e.g. an `authorization: ApiKey ...` instead of basic auth. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
}

const NAMES = ["Thandi", "John", "Aisha", "Pieter", "Lerato", "Sipho"];
const SUBJECTS = ["Your invoice", "Password reset", "Order shipped", "Welcome aboard", "Statement for March"];

/** SAST wall-clock text ("YYYY-MM-DD HH:MM:SS", +02:00), one of the legacy date forms. */
function sastWallClock(date: Date): string {
  return new Date(date.getTime() + 2 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

function isoSast(date: Date): string {
  return `${sastWallClock(date).replace(" ", "T")}+02:00`;
}

/** The per-event details the documents leave out, under the names the plugins look for. */
function extras(type: EverlyticType, random: Random): Record<string, unknown> {
  switch (type) {
    case "bounce":
      return random.next() < 0.5
        ? { bounce: { type: "hard", reason: "550 5.1.1 user unknown", code: "5.1.1" } }
        : { bounce: { type: "soft", reason: "452 4.2.2 mailbox full", code: "4.2.2" } };
    case "failed":
      return { reason: random.pick(["Suppressed recipient", "Sender domain not verified"]) };
    case "click":
      return { url: `https://shop.example.com/p/${random.int(1, 999)}`, user_agent: "Mozilla/5.0", ip: `198.51.100.${random.int(1, 254)}` };
    case "open":
      return { user_agent: "Mozilla/5.0", ip: `203.0.113.${random.int(1, 254)}` };
    default:
      return {};
  }
}

export function everlyticStandardPayload(type: EverlyticType, random: Random, now: Date): Record<string, unknown> {
  const name = random.pick(NAMES);
  const transaction = {
    id: random.uuid(),
    message_id: `<${random.hex(16)}@mail.example.com>`,
    method: random.pick(["api", "smtp"]),
    group: { id: random.hex(8), name: `${now.toLocaleString("en", { month: "long", timeZone: "UTC" })} ${now.getUTCFullYear()}` },
    sent_timestamp: isoSast(new Date(now.getTime() - random.int(1, 3600) * 1000)),
    subject: random.pick(SUBJECTS),
    message_size_bytes: String(random.int(2_000, 90_000)),
    recipient: { name, email: `${name.toLowerCase()}@example.com`, type: "to" },
  };
  return { id: random.uuid(), type, timestamp: isoSast(now), data: [{ transaction, ...extras(type, random) }] };
}

export function everlyticLegacyPayload(type: EverlyticType, random: Random, now: Date): Record<string, unknown> {
  const name = random.pick(NAMES);
  const event: Record<string, unknown> = {
    event_id: random.uuid(),
    event_date: sastWallClock(now),
    event_type: type,
    email_to: `${name.toLowerCase()}@example.com`,
    group_name: "Transactional",
    custom_headers: { "X-Ref": random.hex(6) },
    trans_id: random.hex(24),
  };
  const detail = extras(type, random);
  const bounce = detail.bounce as { type: string; reason: string } | undefined;
  if (bounce !== undefined) Object.assign(event, { bounce_type: bounce.type, bounce_reason: bounce.reason });
  else Object.assign(event, detail);
  return { event };
}

/** Everlytic calls of every type in turn, in the chosen field set and encoding. */
export function everlyticTraffic(options: EverlyticTrafficOptions, random: Random): () => SimulatedRequest {
  let index = 0;
  const now = options.now ?? (() => new Date());
  return () => {
    const type = EVERLYTIC_TYPES[index++ % EVERLYTIC_TYPES.length]!;
    const payload = options.fieldSet === "standard" ? everlyticStandardPayload(type, random, now()) : everlyticLegacyPayload(type, random, now());
    const body =
      options.contentType === "application/json"
        ? JSON.stringify(payload)
        : options.fieldSet === "legacy"
          ? `event=${encodeURIComponent(JSON.stringify(payload.event))}`
          : encodeForm(payload);
    const headers: Record<string, string> = { "content-type": options.contentType, ...options.headers };
    if (options.auth !== undefined) headers.authorization = basicAuth(options.auth.username, options.auth.password);
    return { contentType: options.contentType, body, headers, events: 1, duplicate: false };
  };
}
