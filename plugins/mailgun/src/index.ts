import { createHmac, timingSafeEqual } from "node:crypto";
import { at, count, definePlugin, engineError, field, firstAt, ignore, lower, text, type Mapping, type VerifyContext, type VerifyResult } from "@tidings/core";
import { z } from "zod";

/**
 * Mailgun webhooks (https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/
 * and "Securing webhooks"): one JSON object `{ signature: {timestamp, token, signature},
 * "event-data": {...} }` per call. `failed` is split by `severity`, as Mailgun itself does.
 */
export const EVENTS = [
  "accepted",
  "rejected",
  "delivered",
  "failed:permanent",
  "failed:temporary",
  "opened",
  "clicked",
  "unsubscribed",
  "complained",
  "stored",
] as const;
export type MailgunEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<MailgunEvent> = {
  accepted: "queued",
  rejected: "rejected",
  delivered: "delivered",
  "failed:permanent": "bounced",
  "failed:temporary": "deferred",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "spam",
  stored: ignore("an inbound message was stored: not about an outbound delivery"),
};

/** Mailgun signs each POST afresh, so a short window bounds replays without refusing retries. */
export const DEFAULT_MAX_AGE_SECONDS = 10 * 60;

export const MailgunCredentialsSchema = z
  .object({
    signingKey: z.string().min(1).meta({ description: "The HTTP webhook signing key from the Mailgun dashboard" }),
    maxAgeSeconds: z.int().positive().optional(),
  })
  .strict();
export type MailgunCredentials = z.infer<typeof MailgunCredentialsSchema>;

/** HMAC-SHA256 of timestamp + token with the signing key, hex, compared in constant time. */
function verify({ credentials, body, now }: VerifyContext<MailgunCredentials>): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no signing key is configured" };
  const decoded = body();
  if (!decoded.ok) return { ok: false, error: decoded.error };
  const signature = field(decoded.value, "signature");
  const timestamp = text(field(signature, "timestamp"));
  const token = text(field(signature, "token"));
  const presented = text(field(signature, "signature"));
  if (timestamp === undefined || token === undefined || presented === undefined) return unauthorized("the signature block is missing or incomplete");
  if (!/^\d{1,12}$/.test(timestamp)) return unauthorized("the signature timestamp is not unix seconds");
  const age = now.getTime() / 1000 - Number(timestamp);
  const maxAge = credentials.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (age > maxAge || age < -maxAge) return unauthorized(`the signature timestamp is outside the ${maxAge} s window`);
  const expected = createHmac("sha256", credentials.signingKey).update(timestamp + token).digest();
  const given = /^[0-9a-f]{64}$/i.test(presented) ? Buffer.from(presented, "hex") : Buffer.alloc(0);
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  return valid ? { ok: true, verified: true } : unauthorized("the signature does not verify");
}

function unauthorized(message: string): VerifyResult {
  return { ok: false, error: engineError("unauthorized", message, "signature") };
}

export const mailgun = definePlugin({
  contractVersion: 1,
  id: "mailgun",
  displayName: "Mailgun",
  contentTypes: ["application/json"],
  credentials: MailgunCredentialsSchema,
  verify,
  events: EVENTS,
  mapping: MAPPING,
  // The raw event is `event-data`; the signature block is transport, not event.
  split: (body) => [field(body, "event-data")],
  eventName: (raw) => {
    const event = lower(field(raw, "event"));
    return event === "failed" ? `failed:${lower(field(raw, "severity")) ?? "unknown"}` : event;
  },
  read: {
    date: (raw) => {
      const timestamp = field(raw, "timestamp");
      return typeof timestamp === "number" ? timestamp * 1000 : undefined;
    },
    externalId: (raw) => text(at(raw, "message", "headers", "message-id"))?.replace(/^<|>$/g, ""),
    attempts: (raw) => count(at(raw, "delivery-status", "attempt-no")),
    response: (raw) =>
      text(
        firstAt(raw, [
          ["delivery-status", "description"],
          ["delivery-status", "message"],
          ["reason"],
          ["url"],
        ]),
      ),
    eventId: (raw) => text(field(raw, "id")),
  },
});

export default mailgun;
