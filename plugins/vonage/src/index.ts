import {
  asList,
  basicPairs,
  credentialsSchema,
  definePlugin,
  unauthorized,
  allConfigured,
  verifyBasicAuth,
  whenConfigured,
  type Decoded,
  type InboundRequest,
  type VerifyResult,
  type Infer,
} from "@tidings/core";
import { bearerToken, JWT_LOCATION, verifyJwt } from "./jwt.js";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventId, eventName, externalId, response } from "./read.js";
import { DEFAULT_SIGNATURE_METHOD, SIGNATURE_METHODS, verifySig } from "./sig.js";

export { DLR_ERRORS, EVENTS, MAPPING, type VonageEvent } from "./mapping.js";
export { JWT_MAX_AGE_SECONDS } from "./jwt.js";
export { DEFAULT_SIGNATURE_METHOD, SIGNATURE_METHODS, SIG_MAX_AGE_SECONDS, signedText, type SignatureMethod } from "./sig.js";

/**
 * `signingKey` is the account's signature secret (a list while rotating): it signs the Messages
 * API's JWTs and the SMS API's `sig`. `signatureMethod` is the dashboard's signature method, which
 * only the SMS API's `sig` follows (the JWTs are always HS256).
 */
export const VonageCredentialsSchema = credentialsSchema({
  signingKey: "optional",
  extra: (z) => ({
    signatureMethod: z
      .enum(SIGNATURE_METHODS)
      .optional()
      .meta({ description: `The dashboard's signature method for SMS API receipts (default ${DEFAULT_SIGNATURE_METHOD}, Vonage's default "MD5 hash")` }),
  }),
}).refine((c) => c.signatureMethod === undefined || c.signingKey !== undefined, {
  path: ["signatureMethod"],
  message: "a signature method needs the signature secret as signingKey",
});
export type VonageCredentials = Infer<typeof VonageCredentialsSchema>;

/**
 * A request with a Bearer token is a Messages API webhook and is verified by its JWT alone: the
 * token fills the Authorization header, so basic auth cannot travel with it. Every other request
 * is an SMS API receipt: its `sig` and, when configured, basic auth are both required.
 */
function verify(request: InboundRequest, credentials: VonageCredentials | undefined, now: Date, body: () => Decoded): VerifyResult {
  if (credentials === undefined) return { ok: true, verified: false, reason: "no signature secret or basic auth is configured" };
  const secrets = credentials.signingKey;
  const token = bearerToken(request);
  if (token !== undefined) {
    if (secrets !== undefined) return verifyJwt(token, request.rawBody, asList(secrets), now);
    if (basicPairs(credentials) !== undefined) {
      return unauthorized("the request carries a Vonage JWT instead of basic auth; configure the signature secret as signingKey to verify it", JWT_LOCATION);
    }
  }
  const method = credentials.signatureMethod ?? DEFAULT_SIGNATURE_METHOD;
  return allConfigured(
    whenConfigured(secrets, "no signature secret is configured", (keys) => verifySig({ request, body, secrets: asList(keys), method, now })),
    verifyBasicAuth(request, basicPairs(credentials)),
  );
}

export const METHOD_HINT =
  "Vonage sends SMS API delivery receipts with GET unless told otherwise: in the Vonage Dashboard, Settings > API Settings > SMS API, set the webhook format to POST or POST-JSON.";

export const SETUP = [
  "Messages API: in the Vonage Dashboard open **Applications** > your application > **Messages** and set the **Status URL** to the integration's Tidings URL (POST; Vonage signs it with a JWT).",
  "SMS API: in **Settings** > **API Settings** > **SMS API**, set the webhook format to **POST-JSON** (or POST) and the **Delivery receipts (DLR) webhooks** URL to the same Tidings URL.",
  "Copy the **Signature secret** from **API Settings** into the integration's `signingKey`; for signed SMS receipts, set `signatureMethod` to the dashboard's signature method (default `md5hash`).",
  "Basic auth (`https://<username>:<password>@<host>/...`) can guard SMS API receipts on top of their `sig`; Messages API webhooks carry their JWT in the Authorization header instead.",
].join("\n");

export const vonage = definePlugin({
  contractVersion: 2,
  id: "vonage",
  displayName: "Vonage",
  contentTypes: ["application/json", "application/x-www-form-urlencoded"],
  credentials: VonageCredentialsSchema,
  verify: ({ request, credentials, now, body }) => verify(request, credentials, now, body),
  events: EVENTS,
  mapping: MAPPING,
  // One status or one receipt per request.
  split: (body) => [body],
  eventName,
  read: { date, externalId, eventId, response, details },
  methodHint: METHOD_HINT,
  setup: SETUP,
});

export default vonage;
