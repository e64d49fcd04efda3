import { credentialsSchema, definePlugin, field, text, verifyBasicAuth, type Infer } from "@tidings/core";
import { readAttempts, readDate, readDetails, readResponse } from "./details.js";
import { eventName, eventOf } from "./envelope.js";
import { EVENTS, MAPPING } from "./mapping.js";

export { EVENTS, MAPPING, type SparkPostEvent } from "./mapping.js";

/**
 * SparkPost signs nothing; its webhooks authenticate with HTTP basic auth (or OAuth 2.0 bearer
 * tokens from the customer's own token server, which a receiver cannot check without being that
 * server). Username and password may be lists, so a pair can be rotated.
 */
export const SparkPostCredentialsSchema = credentialsSchema({});
export type SparkPostCredentials = Infer<typeof SparkPostCredentialsSchema>;

export const SETUP = [
  "1. In SparkPost, open **Configuration → Webhooks → Create Webhook** (or `POST /api/v1/webhooks`).",
  "2. **Target URL**: this integration's Tidings URL. Select the message, engagement, generation and unsubscribe events (relay, A/B test and ingest events are accepted and kept as ignored).",
  "3. **Authentication**: *Basic Auth*, with the username and password configured in Tidings (not your SparkPost login). OAuth 2.0 cannot be checked by Tidings.",
  "4. Save. SparkPost posts the test batch `[{\"msys\": {}}]` with those credentials; Tidings answers 200, and events follow about a minute later.",
].join("\n");

export const sparkpost = definePlugin({
  contractVersion: 2,
  id: "sparkpost",
  displayName: "SparkPost",
  contentTypes: ["application/json"],
  credentials: SparkPostCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // Always a JSON array on the wire; a lone wrapper (hand-made tests, proxies) is accepted too.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: (item) => eventName(item),
  read: {
    date: (item) => readDate(item),
    // `message_id`, SparkPost's id for the message to one recipient (`transmission_id` is the send's).
    externalId: (item) => text(field(eventOf(item), "message_id")),
    attempts: (item) => readAttempts(item),
    response: (item) => readResponse(item),
    eventId: (item) => text(field(eventOf(item), "event_id")),
    details: (item) => readDetails(item),
  },
  setup: SETUP,
});

export default sparkpost;
