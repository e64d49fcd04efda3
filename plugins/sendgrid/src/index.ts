import { count, definePlugin, field, joinParts, lower, text, verifyBasicAuth, type InboundRequest, type VerifyResult } from "@tidings/core";
import { z } from "zod";
import { EVENTS, MAPPING } from "./mapping.js";
import { DEFAULT_MAX_AGE_SECONDS, publicKeyFrom, verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type SendGridEvent } from "./mapping.js";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, publicKeyFrom } from "./signature.js";

export const SendGridCredentialsSchema = z
  .object({
    publicKey: z
      .string()
      .min(1)
      .refine((key) => {
        try {
          publicKeyFrom(key);
          return true;
        } catch {
          return false;
        }
      }, "not a base64 DER (SPKI) or PEM elliptic-curve public key")
      .optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    maxAgeSeconds: z.int().positive().optional(),
  })
  .strict()
  .refine((c) => (c.username === undefined) === (c.password === undefined), "username and password go together");
export type SendGridCredentials = z.infer<typeof SendGridCredentialsSchema>;

/** Everything from ".filter" or ".recvd" on is SendGrid's routing suffix, not part of X-Message-Id. */
const ROUTING_SUFFIX = /\.(?:filter|recvd).*$/s;

function verify(request: InboundRequest, credentials: SendGridCredentials | undefined, now: Date): VerifyResult {
  let verified = false;
  if (credentials?.publicKey !== undefined) {
    const signed = verifySignature(request, credentials.publicKey, now, credentials.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS);
    if (!signed.ok) return signed;
    verified = true;
  }
  if (credentials?.username !== undefined && credentials.password !== undefined) {
    const basic = verifyBasicAuth(request, { username: credentials.username, password: credentials.password });
    if (!basic.ok) return basic;
    verified = true;
  }
  return verified ? { ok: true, verified } : { ok: true, verified, reason: "no signing key or basic auth is configured" };
}

export const sendgrid = definePlugin({
  contractVersion: 1,
  id: "sendgrid",
  displayName: "SendGrid Event Webhook",
  contentTypes: ["application/json"],
  credentials: SendGridCredentialsSchema,
  verify: ({ request, credentials, now }) => verify(request, credentials, now),
  events: EVENTS,
  mapping: MAPPING,
  // Always a JSON array on the wire; a lone object (hand-made tests, proxies) is accepted too.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: (raw) => {
    const event = lower(field(raw, "event"));
    return event === "bounce" && lower(field(raw, "type")) === "blocked" ? "bounce:blocked" : event;
  },
  read: {
    date: (raw) => {
      const timestamp = field(raw, "timestamp");
      return typeof timestamp === "number" || typeof timestamp === "string" ? timestamp : undefined;
    },
    externalId: (raw) =>
      text(field(raw, "sg_message_id"))?.replace(ROUTING_SUFFIX, "") ?? text(field(raw, "smtp-id"))?.replace(/^<|>$/g, ""),
    attempts: (raw) => count(field(raw, "attempt")),
    response: (raw) =>
      joinParts([
        text(field(raw, "response")) ?? text(field(raw, "reason")),
        prefixed("status", text(field(raw, "status"))),
        prefixed("classification", text(field(raw, "bounce_classification"))),
      ]),
    eventId: (raw) => text(field(raw, "sg_event_id")),
  },
});

function prefixed(label: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${label} ${value}`;
}

export default sendgrid;
