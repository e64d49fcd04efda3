import { allConfigured, asList, basicPairs, count, credentialsSchema, definePlugin, isUsablePublicKey, whenConfigured, field, isRecord, joinParts, lower, messageId, smtpCodes, text, textList, type EventDetails, type InboundRequest, type RejectReason, type VerifyResult, verifyBasicAuth } from "@tidings/core";
import { z } from "zod";
import { EVENTS, MAPPING } from "./mapping.js";
import { DEFAULT_MAX_AGE_SECONDS, verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type SendGridEvent } from "./mapping.js";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./signature.js";

export const SendGridCredentialsSchema = credentialsSchema({
  publicKey: "optional",
  extra: { maxAgeSeconds: z.int().positive().optional() },
}).refine(
  (c) => asList(c.publicKey).every((key) => isUsablePublicKey(key, "ecdsa-p256-sha256")),
  { path: ["publicKey"], message: "not a base64 DER (SPKI) or PEM P-256 public key, as SendGrid shows it" },
);
export type SendGridCredentials = z.infer<typeof SendGridCredentialsSchema>;

/** Everything from ".filter" or ".recvd" on is SendGrid's routing suffix, not part of X-Message-Id. */
const ROUTING_SUFFIX = /\.(?:filter|recvd).*$/s;

/** The signature when a key is configured, AND basic auth when a pair is (credentials in the URL). */
function verify(request: InboundRequest, credentials: SendGridCredentials | undefined, now: Date): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no verification key or basic auth is configured" };
  return allConfigured(
    whenConfigured(credentials.publicKey, "no verification key is configured", (keys) =>
      verifySignature(request, keys, now, credentials.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS),
    ),
    verifyBasicAuth(request, basicPairs(credentials)),
  );
}

/**
 * Fields SendGrid itself writes into an event (Event Webhook reference); every other top-level
 * field is one of the sender's custom_args (formerly unique_args), which SendGrid flattens in.
 */
const SENDGRID_FIELDS: ReadonlySet<string> = new Set([
  "email", "timestamp", "smtp-id", "event", "category", "sg_event_id", "sg_message_id", "response", "attempt", "useragent", "ip",
  "url", "url_offset", "reason", "status", "type", "bounce_classification", "asm_group_id", "tls", "cert_err", "pool",
  "marketing_campaign_id", "marketing_campaign_name", "marketing_campaign_version", "marketing_campaign_split_id", "sg_machine_open",
  "send_at", "sg_template_id", "sg_template_name", "singlesend_id", "singlesend_name", "template_id", "template_version_id",
  "template_hash", "mc_stats", "phase_id", "variation_id", "newsletter", "post_type", "sg_content_type", "sg_user_id", "unique_args",
  "custom_args", "tenant",
]);

/** `dropped` reasons as SendGrid words them, and what a suppression list does with each. */
const DROP_REASONS: readonly (readonly [RegExp, RejectReason])[] = [
  [/bounced address/i, "bounced"],
  [/unsubscribed address/i, "unsubscribed"],
  [/spam reporting address/i, "spam"],
  [/invalid/i, "invalid"],
];

/**
 * Custom args as metadata, written straight into one object (no closure or list per event: this
 * runs for every event of a batch). See `withArg` for how keys are written.
 */
function metadataOf(raw: unknown): Record<string, string> | undefined {
  if (!isRecord(raw)) return undefined;
  let out: Record<string, string> | undefined;
  for (const key in raw) if (Object.hasOwn(raw, key) && !SENDGRID_FIELDS.has(key)) out = withArg(out, key, raw[key]);
  const unique = field(raw, "unique_args");
  if (isRecord(unique)) for (const key of Object.keys(unique)) out = withArg(out, key, unique[key]);
  const custom = field(raw, "custom_args");
  if (isRecord(custom)) for (const key of Object.keys(custom)) out = withArg(out, key, custom[key]);
  return out;
}

/**
 * `out` with `key` set to `value` as text. A key `__proto__` is defined as an own data property
 * (assigning it would set the prototype); any other key is assigned, which on a plain object
 * creates the same own, enumerable, writable property and costs less.
 */
function withArg(out: Record<string, string> | undefined, key: string, value: unknown): Record<string, string> | undefined {
  if (key === "" || value === undefined || value === null) return out;
  const written = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  const target = out ?? {};
  if (key === "__proto__") Object.defineProperty(target, key, { value: written, enumerable: true, writable: true, configurable: true });
  else target[key] = written;
  return target;
}

function rejectReason(name: string | undefined, raw: unknown): RejectReason | undefined {
  if (name === "bounce:blocked") return "blocked";
  if (name === "bounce") return lower(field(raw, "bounce_classification")) === "invalid address" ? "invalid" : "bounced";
  if (name === "dropped") {
    const reason = text(field(raw, "reason")) ?? "";
    return DROP_REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? "other";
  }
  return undefined;
}

function eventName(raw: unknown): string | undefined {
  const event = lower(field(raw, "event"));
  return event === "bounce" && lower(field(raw, "type")) === "blocked" ? "bounce:blocked" : event;
}

function details(raw: unknown): EventDetails {
  const name = eventName(raw);
  const reply = text(field(raw, "response")) ?? text(field(raw, "reason"));
  const codes = smtpCodes(reply);
  const status = text(field(raw, "status"));
  return {
    recipient: text(field(raw, "email")),
    tags: textList(field(raw, "category")),
    metadata: metadataOf(raw),
    clickUrl: name === "click" ? text(field(raw, "url")) : undefined,
    userAgent: text(field(raw, "useragent")),
    ip: text(field(raw, "ip")),
    bounceClass: name === "bounce" ? "hard" : name === "deferred" ? "soft" : name === "bounce:blocked" ? "undetermined" : undefined,
    rejectReason: rejectReason(name, raw),
    smtpCode: codes.smtpCode,
    enhancedStatus: status !== undefined && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : codes.enhancedStatus,
    mtaResponse: name === "dropped" ? undefined : reply,
    description: name === "dropped" ? text(field(raw, "reason")) : text(field(raw, "bounce_classification")),
  };
}

export const sendgrid = definePlugin({
  contractVersion: 2,
  id: "sendgrid",
  displayName: "SendGrid Event Webhook",
  contentTypes: ["application/json"],
  credentials: SendGridCredentialsSchema,
  verify: ({ request, credentials, now }) => verify(request, credentials, now),
  events: EVENTS,
  mapping: MAPPING,
  // Always a JSON array on the wire; a lone object (hand-made tests, proxies) is accepted too.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName,
  read: {
    date: (raw) => {
      const timestamp = field(raw, "timestamp");
      return typeof timestamp === "number" || typeof timestamp === "string" ? timestamp : undefined;
    },
    externalId: (raw) => text(field(raw, "sg_message_id"))?.replace(ROUTING_SUFFIX, "") ?? messageId(field(raw, "smtp-id")),
    attempts: (raw) => count(field(raw, "attempt")),
    response: (raw) =>
      joinParts([
        text(field(raw, "response")) ?? text(field(raw, "reason")) ?? (lower(field(raw, "event")) === "click" ? text(field(raw, "url")) : undefined),
        prefixed("status", text(field(raw, "status"))),
        prefixed("classification", text(field(raw, "bounce_classification"))),
      ]),
    eventId: (raw) => text(field(raw, "sg_event_id")),
    details,
  },
  setup: [
    "In SendGrid: Settings > Mail Settings > Event Webhook: paste the integration's URL as the HTTP Post URL",
    "and tick the events to send. Turn on Signed Event Webhook Requests and copy the verification key",
    "into the integration's `publicKey` (or put basic-auth credentials in the URL: `https://user:pass@...`).",
  ].join("\n"),
});

function prefixed(label: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${label} ${value}`;
}

export default sendgrid;
