import { credentialsSchema, definePlugin, field, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING, eventName } from "./mapping.js";
import { date, details, eventId, externalId, response } from "./read.js";
import { verifySignature } from "./signature.js";

export { BLOCKING_CATEGORIES, EVENTS, MAPPING, type MailtrapEvent } from "./mapping.js";
export { SIGNATURE_HEADER } from "./signature.js";

/** The webhook's signing secret (a list while one is being replaced), and basic auth from the URL on top. */
export const MailtrapCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type MailtrapCredentials = Infer<typeof MailtrapCredentialsSchema>;

function verify(request: InboundRequest, credentials: MailtrapCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "signing key", value: (c) => c.signingKey, check: (keys) => verifySignature(request, keys) });
}

/**
 * The JSON payload format: `{ "events": [...] }`, up to 500 events per POST. A lone event object
 * (the shape of the SDKs' signature fixture) is taken as itself; any other body is kept as one
 * item, and reported as such.
 */
function split(body: unknown): readonly unknown[] {
  const events = field(body, "events");
  return Array.isArray(events) ? events : [body];
}

export const SETUP = [
  "In Mailtrap: **Settings** > **Webhooks** > **Create New Webhook**.",
  "Set the **Webhook URL** to the Tidings URL (basic auth goes in it: `https://<username>:<password>@<host>/...`),",
  "choose **Payload format: JSON** and the **Email Sending** area, then the stream, the domain and every event type.",
  "Copy the webhook's **signing secret** into the integration's `signingKey`; **Run Test**, then **Save**.",
].join("\n");

export const mailtrap = definePlugin({
  contractVersion: 2,
  id: "mailtrap",
  displayName: "Mailtrap",
  contentTypes: ["application/json"],
  credentials: MailtrapCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, eventId, response, details },
  setup: SETUP,
});

export default mailtrap;
