import { asList, credentialsSchema, definePlugin, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventName, externalId, response, split } from "./readers.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, REJECT_REASONS, type TermiiEvent } from "./mapping.js";
export { SENT_AT_OFFSET } from "./readers.js";
export { SIGNATURE_HEADER } from "./signature.js";

/** The account's secret key (a list while it is replaced), and basic auth in the webhook URL on top of it if wanted. */
export const TermiiCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type TermiiCredentials = Infer<typeof TermiiCredentialsSchema>;

/** The signature when a secret key is configured, and basic auth when a pair is: every configured check must pass. */
function verify(request: InboundRequest, credentials: TermiiCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "secret key", value: (c) => c.signingKey, check: (keys) => verifySignature(request, asList(keys)) });
}

export const SETUP = [
  "1. In the Termii dashboard open the developer console's webhook settings (`https://accounts.termii.com/#/account/webhook/config`).",
  "2. Paste the integration's Tidings URL as the webhook URL; for basic auth put the pair in it:",
  "   `https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`.",
  "3. Copy the account's **secret key**, which Termii signs `X-Termii-Signature` with, into the integration's `signingKey`.",
  "4. Delivery reports then arrive for every message; inbound messages (`Received`) and device notifications are kept as ignored.",
].join("\n");

export const termii = definePlugin({
  contractVersion: 2,
  id: "termii",
  displayName: "Termii",
  contentTypes: ["application/json"],
  credentials: TermiiCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, response, details },
  setup: SETUP,
});

export default termii;
