import { asList, credentialsSchema, definePlugin, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventName, externalId, response, split } from "./read.js";
import { verifySignature } from "./signature.js";

export { BATCH_REPORT_TYPES, DELIVERY_STATUS, EVENTS, INBOUND_TYPES, MAPPING, RECIPIENT_REPORT_TYPES, type SinchEvent } from "./mapping.js";
export { ALGORITHM_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WINDOW_SECONDS } from "./signature.js";

/**
 * `signingKey` is the callback secret Sinch sets up when it enables signed SMS callbacks (a list
 * while rotating); `username`/`password` the basic auth Sinch provisions on the callback URL.
 * Either, or both.
 */
export const SinchCredentialsSchema = credentialsSchema({ signingKey: "optional" });
export type SinchCredentials = Infer<typeof SinchCredentialsSchema>;

/** The signature when a secret is configured, AND basic auth when a pair is. */
function verify(request: InboundRequest, credentials: SinchCredentials | undefined, now: Date): VerifyResult {
  return withBasicAuth(request, credentials, { name: "callback secret", value: (c) => c.signingKey, check: (keys) => verifySignature(request, asList(keys), now) });
}

export const SETUP = [
  "1. Send each batch with `callback_url` set to the integration's Tidings URL (or make it the service plan's default callback URL, which `callback_url` overrides) and `delivery_report` set to `per_recipient` (every status change) or `per_recipient_final` (the final status only); `summary` and `full` give batch counts without times, which are kept as ignored.",
  "2. For signed callbacks, ask your Sinch account manager to enable callback signing and put the secret you are given into the integration's `signingKey`.",
  "3. For basic auth, ask your account manager to provision the callback URL with a username and password, and configure the same pair as `username`/`password`.",
].join("\n");

export const sinch = definePlugin({
  contractVersion: 2,
  id: "sinch",
  displayName: "Sinch SMS delivery reports",
  contentTypes: ["application/json"],
  credentials: SinchCredentialsSchema,
  verify: ({ request, credentials, now }) => verify(request, credentials, now),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, response, details },
  setup: SETUP,
});

export default sinch;
