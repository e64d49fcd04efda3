import { asList, credentialsSchema, definePlugin, isUsablePublicKey, withBasicAuth, type InboundRequest, type VerifyResult, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, errorsText, eventId, eventName, externalId, split } from "./read.js";
import { verifySignature } from "./signature.js";

export { EVENTS, MAPPING, RECIPIENT_STATUS, type TelnyxEvent } from "./mapping.js";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, WINDOW_SECONDS } from "./signature.js";

/**
 * The account's public key as the Mission Control Portal shows it (base64 of the raw 32-byte
 * Ed25519 key; PEM or base64 DER are accepted too), a list while rotating, basic auth on top, or
 * both. A key that is not an Ed25519 public key could never verify anything, so it is refused here.
 */
export const TelnyxCredentialsSchema = credentialsSchema({ publicKey: "optional" }).refine(
  (c) => asList(c.publicKey).every((key) => isUsablePublicKey(key, "ed25519")),
  { path: ["publicKey"], message: "not an Ed25519 public key: base64 of the 32-byte key, as Telnyx shows it under Keys & Credentials > Public Key" },
);
export type TelnyxCredentials = Infer<typeof TelnyxCredentialsSchema>;

/** The signature when a key is configured, AND basic auth when a pair is (credentials in the URL). */
function verify(request: InboundRequest, credentials: TelnyxCredentials | undefined, now: Date): VerifyResult {
  return withBasicAuth(request, credentials, { name: "public key", value: (c) => c.publicKey, check: (keys) => verifySignature(request, keys, now) });
}

export const SETUP = [
  "In the Telnyx Mission Control Portal open **Messaging**, edit the messaging profile, choose webhook API version 2",
  "and paste the integration's Tidings URL as the webhook URL (basic auth goes in the URL: `https://<username>:<password>@<host>/...`).",
  "Copy the account's public key from **Keys & Credentials** > **Public Key** into the integration's `publicKey`.",
  "Delivery statuses (`message.sent`, `message.finalized`) give one event per recipient; inbound `message.received` is kept as ignored.",
].join("\n");

export const telnyx = definePlugin({
  contractVersion: 2,
  id: "telnyx",
  displayName: "Telnyx Messaging",
  contentTypes: ["application/json"],
  credentials: TelnyxCredentialsSchema,
  verify: ({ request, credentials, now }) => verify(request, credentials, now),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, eventId, response: errorsText, details },
  setup: SETUP,
});

export default telnyx;
