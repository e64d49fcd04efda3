import { credentialsSchema, definePlugin, verifyBasicAuth, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { details, eventName, eventTime, response, transactionId } from "./read.js";

export { EVENTS, MAPPING, type NetcoreEvent } from "./mapping.js";

/**
 * Netcore signs nothing; the one secret it can carry is HTTP basic auth written into the webhook
 * URL (https://user:password@host/...). Username and password may be lists, for rotation.
 */
export const NetcoreCredentialsSchema = credentialsSchema({});
export type NetcoreCredentials = Infer<typeof NetcoreCredentialsSchema>;

export const SETUP = [
  "1. In the Netcore Email dashboard open **Settings → Webhooks** and add a callback URL.",
  "2. Paste the Tidings URL with the basic-auth pair in it: `https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`.",
  "3. Tick the events to receive: sent, opened, clicked, bounced, dropped, invalid, unsubscribed, spam.",
  "4. Save: Netcore checks the URL with a HEAD request and, when that is not answered 200, with a POST of an empty array, which Tidings accepts.",
].join("\n");

export const netcore = definePlugin({
  contractVersion: 2,
  id: "netcore",
  displayName: "Netcore Email API",
  contentTypes: ["application/json"],
  credentials: NetcoreCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // A JSON array of up to 100 events (1000 on request); the array itself is returned so the
  // engine keeps each event's own text as its row. A lone object (hand-made tests) is one event.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName,
  read: { date: eventTime, externalId: transactionId, response, details },
  setup: SETUP,
});

export default netcore;
