import { asList, credentialsSchema, definePlugin, isUsablePublicKey, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { keyTexts } from "./keys.js";
import { EVENTS, MAPPING } from "./mapping.js";
import { eventName } from "./names.js";
import { date, details, eventId, externalId, response } from "./readers.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, MESSAGE_STATUS_EVENTS, type PostalEvent } from "./mapping.js";
export { keyTexts } from "./keys.js";
export { SIGNATURE_256_HEADER, SIGNATURE_HEADER } from "./signature.js";

export const PostalCredentialsSchema = credentialsSchema({ publicKey: "optional" }).refine(
  (c) => asList(c.publicKey).every((key) => isUsableKey(keyTexts(key))),
  {
    path: ["publicKey"],
    message: "not an RSA public key: give the p= value or the whole record printed by `postal default-dkim-record`, PEM, or the JWK set at /.well-known/jwks.json",
  },
);
export type PostalCredentials = Infer<typeof PostalCredentialsSchema>;

/** A configured key must give at least one key, and each one an RSA public key (SHA-1 and SHA-256 use the same). */
function isUsableKey(texts: readonly string[]): boolean {
  return texts.length > 0 && texts.every((text) => isUsablePublicKey(text, "rsa-sha256"));
}

/** The signature when a key is configured, AND basic auth when a pair is (credentials in the webhook URL). */
function verify(request: InboundRequest, credentials: PostalCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "Postal public key", value: (c) => c.publicKey, check: (keys) => verifySignature(request, asList(keys).flatMap(keyTexts)) });
}

export const SETUP = [
  "In Postal, open the mail server, then **Webhooks** > **Add webhook**; set the URL to the integration's Tidings URL",
  "(with basic-auth credentials in it if configured: `https://<username>:<password>@<host>/...`).",
  "Send all events, or tick MessageSent, MessageDelayed, MessageDeliveryFailed, MessageHeld, MessageBounced, MessageLinkClicked and MessageLoaded.",
  "Copy the installation's public key into the integration's `publicKey`: the output of `postal default-dkim-record`",
  "(or its `p=` value), or the JWK set served at `https://<postal host>/.well-known/jwks.json`.",
].join("\n");

export const postal = definePlugin({
  contractVersion: 2,
  id: "postal",
  displayName: "Postal",
  contentTypes: ["application/json"],
  credentials: PostalCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // One envelope per POST; a list (a replayed batch) is taken as its envelopes.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName,
  read: { date, externalId, eventId, response, details },
  setup: SETUP,
});

export default postal;
