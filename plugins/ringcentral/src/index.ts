import {
  allConfigured,
  asList,
  basicPairs,
  credentialsSchema,
  definePlugin,
  verifyBasicAuth,
  whenConfigured,
  type InboundRequest,
  type VerifyResult,
  type Infer,
} from "@tidings/core";
import { handshake } from "./handshake.js";
import { EVENTS, MAPPING } from "./mapping.js";
import { attempts, date, details, eventId, eventName, externalId, response, split } from "./read.js";
import { verifyVerificationToken } from "./verification-token.js";

export { EVENTS, MAPPING, UNCONFIRMED_CODES, type RingCentralEvent } from "./mapping.js";
export { ERROR_CODES } from "./error-codes.js";
export { handshake, MAX_VALIDATION_TOKEN, VALIDATION_HEADER } from "./handshake.js";
export { MAX_RECIPIENTS } from "./read.js";
export { VERIFICATION_HEADER } from "./verification-token.js";

/**
 * RingCentral signs nothing: basic auth in the webhook URL, and the subscription's optional
 * `verificationToken` (a list while rotating), each required when configured.
 */
export const RingCentralCredentialsSchema = credentialsSchema({
  extra: (_z, { secretList }) => ({
    verificationToken: secretList("the subscription's verification token").optional().meta({
      description: "The subscription's deliveryMode.verificationToken, which RingCentral sends as the Verification-Token header",
    }),
  }),
});
export type RingCentralCredentials = Infer<typeof RingCentralCredentialsSchema>;

function verify(request: InboundRequest, credentials: RingCentralCredentials | undefined): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no basic auth or verification token is configured" };
  return allConfigured(
    whenConfigured(credentials.verificationToken, "no verification token is configured", (tokens) => verifyVerificationToken(request, asList(tokens))),
    verifyBasicAuth(request, basicPairs(credentials)),
  );
}

export const SETUP = [
  "Create the subscription with the REST API (`POST /restapi/v1.0/subscription`): `deliveryMode.transportType` `WebHook` and `deliveryMode.address` the integration's Tidings URL with basic auth in it (`https://<username>:<password>@<host>/...`).",
  "Event filters: `/restapi/v1.0/account/~/a2p-sms/messages?direction=Outbound` for High Volume SMS delivery statuses; `/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS` and `/message-store` events are accepted and kept as ignored.",
  "Set `deliveryMode.verificationToken` and put the same value in the integration's `verificationToken`: RingCentral sends it as the `Verification-Token` header, the check it documents (it does not document sending URL credentials as basic auth).",
  "RingCentral validates the URL when the subscription is created: Tidings echoes the `Validation-Token` header, so the subscription is created at once.",
].join("\n");

export const ringcentral = definePlugin({
  contractVersion: 2,
  id: "ringcentral",
  displayName: "RingCentral SMS",
  contentTypes: ["application/json"],
  credentials: RingCentralCredentialsSchema,
  verify: ({ request, credentials }) => verify(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, eventId, attempts, response, details },
  handshake,
  setup: SETUP,
});

export default ringcentral;
