import { asList, credentialsSchema, definePlugin, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { details, eventId, eventName, externalId, response, split } from "./read.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type PlivoStatus } from "./mapping.js";
export { HEADERS } from "./signature.js";

/**
 * `signingKey` is the Auth Token (a list while rotating, or the subaccount's and the main
 * account's) and `url` the callback URL exactly as Plivo calls it, which every signature covers;
 * each is useless without the other. Basic auth written into that URL may be configured on top.
 */
export const PlivoCredentialsSchema = credentialsSchema({
  signingKey: "optional",
  url: "optional",
  signedUrl: {
    urlWhy: "Plivo signs the callback URL exactly as it calls it, so the Auth Token cannot be checked without it",
    signingKeyWhy: "the URL only serves to check X-Plivo-Signature-V3 and V2, which need the Auth Token",
  },
});
export type PlivoCredentials = Infer<typeof PlivoCredentialsSchema>;

function verify(request: InboundRequest, credentials: PlivoCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "Auth Token", value: (c) => c.signingKey, check: (tokens, c) => verifySignature(request, asList(tokens), asList(c.url)) });
}

export const SETUP = [
  "1. Send messages with `url` set to the integration's Tidings URL and `method` set to `POST` (the default); for inbound messages, set the application's **Message URL** and **Message Method** the same way.",
  "2. For basic auth, write the pair into that URL: `https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`.",
  "3. Copy the **Auth Token** from the Plivo console's Overview page into the integration's `signingKey` (the subaccount's token if a subaccount sends, or the main account's), and the URL, character for character, into `url`.",
  "4. Plivo signs that URL: a proxy in front of Tidings must not rewrite the host, scheme, path or query.",
].join("\n");

export const plivo = definePlugin({
  contractVersion: 2,
  id: "plivo",
  displayName: "Plivo",
  contentTypes: ["application/x-www-form-urlencoded"],
  credentials: PlivoCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  // MessageTime, QueuedTime, SentTime and DeliveryReportTime carry no zone, and Plivo writes its
  // other times in the zone set in each account's console: events are dated at receipt.
  eventTime: "none",
  read: { externalId, eventId, response, details },
  methodHint:
    "Plivo calls a message's status URL with the `method` given when the message was sent, and an application's Message URL with its Message Method: set them to POST (GET puts the fields in the query, which Tidings does not read).",
  setup: SETUP,
});

export default plivo;
