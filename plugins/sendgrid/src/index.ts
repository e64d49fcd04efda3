import { allConfigured, asList, basicPairs, count, credentialsSchema, definePlugin, isUsablePublicKey, whenConfigured, joinParts, lower, messageId, smtpCodes, text, textList, type EventDetails, type InboundRequest, type RejectReason, type VerifyResult, verifyBasicAuth, type Infer } from "@tidings/core";
import { viewOf, type EventView } from "./event-view.js";
import { EVENTS, MAPPING } from "./mapping.js";
import { DEFAULT_MAX_AGE_SECONDS, verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type SendGridEvent } from "./mapping.js";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./signature.js";

export const SendGridCredentialsSchema = credentialsSchema({
  publicKey: "optional",
  extra: (z) => ({ maxAgeSeconds: z.int().positive().optional() }),
}).refine(
  (c) => asList(c.publicKey).every((key) => isUsablePublicKey(key, "ecdsa-p256-sha256")),
  { path: ["publicKey"], message: "not a base64 DER (SPKI) or PEM P-256 public key, as SendGrid shows it" },
);
export type SendGridCredentials = Infer<typeof SendGridCredentialsSchema>;

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

/** `dropped` reasons as SendGrid words them, and what a suppression list does with each. */
const DROP_REASONS: readonly (readonly [RegExp, RejectReason])[] = [
  [/bounced address/i, "bounced"],
  [/unsubscribed address/i, "unsubscribed"],
  [/spam reporting address/i, "spam"],
  [/invalid/i, "invalid"],
];

function rejectReason(name: string | undefined, view: EventView): RejectReason | undefined {
  if (name === "bounce:blocked") return "blocked";
  if (name === "bounce") return lower(view.bounceClassification) === "invalid address" ? "invalid" : "bounced";
  if (name === "dropped") {
    const reason = text(view.reason) ?? "";
    return DROP_REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? "other";
  }
  return undefined;
}

function eventName(raw: unknown): string | undefined {
  const view = viewOf(raw);
  const event = lower(view.event);
  return event === "bounce" && lower(view.type) === "blocked" ? "bounce:blocked" : event;
}

/**
 * Only the fields present are written, in the order the details have always listed them, so the
 * engine keeps this object as it is instead of copying it without the absent ones.
 */
function details(raw: unknown): EventDetails {
  const view = viewOf(raw);
  const name = eventName(raw);
  const reply = text(view.response) ?? text(view.reason);
  const codes = reply === undefined ? undefined : smtpCodes(reply);
  const status = text(view.status);
  const out: EventDetails = {};
  const recipient = text(view.email);
  if (recipient !== undefined) out.recipient = recipient;
  const tags = textList(view.category);
  if (tags !== undefined) out.tags = tags;
  if (view.metadata !== undefined) out.metadata = view.metadata;
  const clickUrl = name === "click" ? text(view.url) : undefined;
  if (clickUrl !== undefined) out.clickUrl = clickUrl;
  const userAgent = text(view.useragent);
  if (userAgent !== undefined) out.userAgent = userAgent;
  const ip = text(view.ip);
  if (ip !== undefined) out.ip = ip;
  const bounceClass = name === "bounce" ? "hard" : name === "deferred" ? "soft" : name === "bounce:blocked" ? "undetermined" : undefined;
  if (bounceClass !== undefined) out.bounceClass = bounceClass;
  const reason = rejectReason(name, view);
  if (reason !== undefined) out.rejectReason = reason;
  if (codes?.smtpCode !== undefined) out.smtpCode = codes.smtpCode;
  const enhancedStatus = status !== undefined && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : codes?.enhancedStatus;
  if (enhancedStatus !== undefined) out.enhancedStatus = enhancedStatus;
  const mtaResponse = name === "dropped" ? undefined : reply;
  if (mtaResponse !== undefined) out.mtaResponse = mtaResponse;
  const description = name === "dropped" ? text(view.reason) : text(view.bounceClassification);
  if (description !== undefined) out.description = description;
  return out;
}

function externalId(raw: unknown): string | undefined {
  const view = viewOf(raw);
  const id = text(view.sgMessageId);
  return id === undefined ? messageId(view.smtpId) : withoutRoutingSuffix(id);
}

/** Everything from the first ".filter" or ".recvd" on is SendGrid's routing suffix, not part of X-Message-Id. */
function withoutRoutingSuffix(id: string): string {
  const filter = id.indexOf(".filter");
  const recvd = id.indexOf(".recvd");
  const cut = filter < 0 ? recvd : recvd < 0 ? filter : Math.min(filter, recvd);
  return cut < 0 ? id : id.slice(0, cut);
}

function response(raw: unknown): string | undefined {
  const view = viewOf(raw);
  return joinParts([
    text(view.response) ?? text(view.reason) ?? (lower(view.event) === "click" ? text(view.url) : undefined),
    prefixed("status", text(view.status)),
    prefixed("classification", text(view.bounceClassification)),
  ]);
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
      const timestamp = viewOf(raw).timestamp;
      return typeof timestamp === "number" || typeof timestamp === "string" ? timestamp : undefined;
    },
    externalId,
    attempts: (raw) => count(viewOf(raw).attempt),
    response,
    eventId: (raw) => text(viewOf(raw).sgEventId),
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
