import { credentialsSchema, definePlugin, field, messageId, text, toIsoDate, verifyBasicAuth, fitting, WIRE_LIMITS as MAX } from "@tidings/core";
import { brevoDetails, eventNameOf } from "./details.js";
import { EVENTS, MAPPING } from "./mapping.js";

export { EVENTS, MAPPING, type BrevoEvent } from "./mapping.js";

/** Brevo signs nothing: basic auth in the webhook URL is the one check it supports (docs/secured-webhooks). */
export const BrevoCredentialsSchema = credentialsSchema({});

/**
 * `ts_epoch` (epoch milliseconds, UTC) first, then `ts_event` (epoch seconds, UTC): the first that
 * holds a usable instant. Brevo's own examples sometimes put seconds in `ts_epoch`; epoch numbers
 * are told apart by magnitude. `date` and `ts` are never read: they follow the account's time zone.
 */
const TIME_FIELDS = ["ts_epoch", "ts_event"] as const;

function eventTime(raw: unknown): number | string | undefined {
  for (const name of TIME_FIELDS) {
    const value = field(raw, name);
    // The value itself, once it reads as an instant: the engine reads it the same way, without a text to parse back.
    if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) {
      if (toIsoDate(value) !== undefined) return value;
    }
  }
  return undefined;
}

/** The receiving server's or Brevo's reason; for a click, the clicked link. */
function response(raw: unknown): string | undefined {
  const reason = text(field(raw, "reason"));
  const link = eventNameOf(raw) === "click" ? text(field(raw, "link")) : undefined;
  return fitting(link === undefined ? reason : reason === undefined ? link : `${reason}; ${link}`, MAX.text);
}

/** The provider-side steps, as a numbered markdown list. */
export const SETUP = [
  "In Brevo, open Transactional > Email > Settings > Webhook (or call `POST /v3/webhooks` with `\"type\": \"transactional\"`) and add a webhook.",
  "URL: `https://<username>:<password>@<tidings-host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`, with the integration's basic auth pair (percent-encoded).",
  "Tick every transactional event: sent, delivered, deferred, soft and hard bounce, blocked, invalid, error, spam, first opening, opened, clicked, unsubscribed, and the proxy opens where the account has them.",
  "`batched` may be on or off: a batch is read as a list of events.",
].map((step, i) => `${i + 1}. ${step}`).join("\n");

export const brevo = definePlugin({
  contractVersion: 2,
  id: "brevo",
  displayName: "Brevo (transactional email)",
  contentTypes: ["application/json"],
  credentials: BrevoCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // One event per call; batched webhooks carry a list (the batch body is not documented further).
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: eventNameOf,
  read: {
    date: eventTime,
    externalId: (raw) => messageId(field(raw, "message-id")),
    response,
    // No event id: `id` is the webhook's id, the same on every event it sends, so the engine hashes the event.
    details: brevoDetails,
  },
  setup: SETUP,
});

export default brevo;
