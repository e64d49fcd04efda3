import { asList, credentialsSchema, definePlugin, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventName, externalId, response, split } from "./read.js";
import { verifySignature } from "./signature.js";

export { DENYLIST_REASONS, EVENTS, MAPPING, type MandrillEvent } from "./mapping.js";
export { PROBE_KEY, SIGNATURE_HEADER } from "./signature.js";

/**
 * `signingKey` is the webhook's key (a list during rotation) and `url` the webhook URL exactly as
 * entered at Mandrill, which the signature covers; each is useless without the other. Basic auth
 * written into that URL may be configured on top.
 */
export const MandrillCredentialsSchema = credentialsSchema({
  signingKey: "optional",
  url: "optional",
  signedUrl: {
    urlWhy: "Mandrill signs the webhook URL exactly as entered in its Webhooks page, so the key cannot be checked without it",
    signingKeyWhy: "the URL only serves to check X-Mandrill-Signature, which needs the webhook's key",
  },
});
export type MandrillCredentials = Infer<typeof MandrillCredentialsSchema>;

function verify(request: InboundRequest, credentials: MandrillCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "webhook key", value: (c) => c.signingKey, check: (keys, c) => verifySignature(request, asList(keys), asList(c.url)) });
}

export const SETUP = [
  "1. In Mandrill (Mailchimp Transactional) open **Settings → Webhooks → Add a Webhook**.",
  "2. Tick the message events to receive (sent, delivered, delayed, bounced, soft-bounced, opened, clicked, marked as spam, unsubscribed, rejected).",
  "3. **Post To URL**: the Tidings URL, optionally with a basic-auth pair in it (`https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`). Mandrill checks it with a HEAD request, which Tidings answers 200.",
  "4. Copy the webhook's **Key** into the integration's `signingKey`, and the Post To URL, character for character, into `url`.",
].join("\n");

export const mandrill = definePlugin({
  contractVersion: 2,
  id: "mandrill",
  displayName: "Mandrill (Mailchimp Transactional)",
  contentTypes: ["application/x-www-form-urlencoded"],
  jsonFormFields: ["mandrill_events"],
  credentials: MandrillCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  // No event id: `_id` is the message's, shared by all its events, so the engine hashes each event.
  read: { date, externalId, response, details },
  setup: SETUP,
});

export default mandrill;
