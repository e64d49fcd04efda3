import { asList, credentialsSchema, definePlugin, isStandardWebhookSecret, verifyStandardWebhook, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventId, eventName, externalId, response } from "./read.js";

export { EVENTS, MAPPING, type ResendEvent } from "./mapping.js";
export { EVENT_ID_HEADER } from "./read.js";

/**
 * The webhook's signing secret (`whsec_...`, a list while rotating), basic auth on top, or both.
 * A secret that is not `whsec_` and base64 could never verify anything, so it is refused here.
 */
export const ResendCredentialsSchema = credentialsSchema({ signingKey: "optional" }).refine(
  (c) => asList(c.signingKey).every(isStandardWebhookSecret),
  { path: ["signingKey"], message: "not a Resend signing secret: `whsec_` followed by base64, as the webhook's page shows it" },
);
export type ResendCredentials = Infer<typeof ResendCredentialsSchema>;

/**
 * Resend signs through Svix (Standard Webhooks under `svix-*` headers): HMAC-SHA256 over
 * `svix-id.svix-timestamp.body`, within 5 minutes either way. Svix signs every retry afresh, so
 * the window never refuses a late retry. Basic auth, when configured, is required as well.
 */
function verify(request: InboundRequest, credentials: ResendCredentials | undefined, now: Date): VerifyResult {
  return withBasicAuth(request, credentials, { name: "signing secret", value: (c) => c.signingKey, check: (secrets) => verifyStandardWebhook(request, asList(secrets), now) });
}

export const SETUP = [
  "In Resend open **Webhooks** > **Add Webhook** and paste the integration's Tidings URL as the endpoint",
  "(with basic auth, `https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`).",
  "Tick the `email.*` events (the others are kept as ignored) and save.",
  "Open the webhook and copy its **Signing Secret** (`whsec_...`) into the integration's `signingKey`.",
].join("\n");

export const resend = definePlugin({
  contractVersion: 2,
  id: "resend",
  displayName: "Resend",
  contentTypes: ["application/json"],
  credentials: ResendCredentialsSchema,
  verify: ({ request, credentials, now }) => verify(request, credentials, now),
  events: EVENTS,
  mapping: MAPPING,
  // One event per request. The id comes from the request's svix-id header, so a list of events
  // would give them all one id: a body that is not a single event is left unmapped.
  split: (body) => [body],
  eventName,
  read: { date, externalId, eventId, response, details },
  setup: SETUP,
});

export default resend;
