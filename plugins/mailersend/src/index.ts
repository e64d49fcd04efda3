import { asList, credentialsSchema, definePlugin, withBasicAuth, type Decoded, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventId, eventName, externalId, response } from "./readers.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type MailerSendEvent } from "./mapping.js";
export { PING_SECRET, SIGNATURE_HEADER, isPing } from "./signature.js";

/**
 * The webhook's signing secret (a list while one is replaced by another), and basic auth in the
 * webhook URL on top of it if wanted.
 */
export const MailerSendCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type MailerSendCredentials = Infer<typeof MailerSendCredentialsSchema>;

/** The signature when a signing secret is configured, and basic auth when a pair is: every configured check must pass. */
function verify(request: InboundRequest, credentials: MailerSendCredentials | undefined, body: () => Decoded): VerifyResult {
  return withBasicAuth(request, credentials, { name: "signing secret", value: (c) => c.signingKey, check: (keys) => verifySignature(request, asList(keys), body) });
}

export const SETUP = [
  "In MailerSend: **Domains** > **Manage** on the sending domain > **Webhooks** > **Add webhook** (either payload version).",
  "Endpoint URL: the integration's Tidings URL; for basic auth as well, put the credentials in it:",
  "`https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`.",
  "Tick the activity events to send (opened or opened_unique, clicked or clicked_unique, not both), save,",
  "then copy the webhook's **Signing secret** into the integration's `signingKey`.",
].join("\n");

export const mailersend = definePlugin({
  contractVersion: 2,
  id: "mailersend",
  displayName: "MailerSend",
  contentTypes: ["application/json"],
  credentials: MailerSendCredentialsSchema,
  verify: ({ request, credentials, body }) => verify(request, credentials, body),
  events: EVENTS,
  mapping: MAPPING,
  // One event per POST; a list (a replayed batch) is taken as its events.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName,
  read: { date, externalId, eventId, response, details },
  setup: SETUP,
});

export default mailersend;
