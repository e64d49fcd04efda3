import { asList, credentialsSchema, definePlugin, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { details, eventId, eventName, externalId, response, split } from "./read.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, type TwilioStatus } from "./mapping.js";
export { SIGNATURE_HEADER } from "./signature.js";

/**
 * `signingKey` is the account's Auth Token (a list while a secondary token is promoted) and `url`
 * the status callback URL exactly as Twilio calls it, query string included, which the signature
 * covers; each is useless without the other. Basic auth written into that URL may be configured
 * on top.
 */
export const TwilioCredentialsSchema = credentialsSchema({
  signingKey: "optional",
  url: "optional",
  signedUrl: {
    urlWhy: "Twilio signs the status callback URL exactly as it calls it (query string included), so the Auth Token cannot be checked without it; configure it rather than trust the URL a proxy passes on",
    signingKeyWhy: "the URL only serves to check X-Twilio-Signature, which needs the account's Auth Token",
  },
});
export type TwilioCredentials = Infer<typeof TwilioCredentialsSchema>;

function verify(request: InboundRequest, credentials: TwilioCredentials | undefined): VerifyResult {
  return withBasicAuth(request, credentials, { name: "Auth Token", value: (c) => c.signingKey, check: (tokens, c) => verifySignature(request, asList(tokens), asList(c.url)) });
}

export const SETUP = [
  "1. Give Twilio the integration's URL as the status callback: the `StatusCallback` parameter of each message you send, or a Messaging Service's **Integration → Delivery Status Callback** (HTTP POST, Twilio's default).",
  "2. Optionally put a basic-auth pair in it (`https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`): Twilio answers the 401 challenge.",
  "3. Copy the account's **Auth Token** (Console → Account info) into the integration's `signingKey`, and the callback URL, character for character and with its query string, into `url`.",
].join("\n");

export const twilio = definePlugin({
  contractVersion: 2,
  id: "twilio",
  displayName: "Twilio Messaging status callbacks",
  contentTypes: ["application/x-www-form-urlencoded"],
  credentials: TwilioCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  // Status callbacks carry no event time: the engine dates each at receipt (details.dateSource "received").
  eventTime: "none",
  read: { externalId, response, eventId, details },
  methodHint:
    'Twilio posts Messaging status callbacks; one that comes as GET was sent with method="GET" on TwiML <Message> (or the older <Sms>): set that method to POST, its default',
  setup: SETUP,
});

export default twilio;
