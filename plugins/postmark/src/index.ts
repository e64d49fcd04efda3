import { credentialsSchema, definePlugin, verifyBasicAuth, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { eventName } from "./names.js";
import { date, details, eventId, externalId, response } from "./readers.js";

export { BOUNCE_TYPE_CODES, EVENTS, MAPPING, type BounceType, type PostmarkEvent } from "./mapping.js";

/**
 * Postmark signs nothing: a webhook is authenticated by the basic auth credentials in its URL
 * (or its `HttpAuth`), so the credentials are core's username/password pair, a list for rotation.
 */
export const PostmarkCredentialsSchema = credentialsSchema({});
export type PostmarkCredentials = Infer<typeof PostmarkCredentialsSchema>;

export const SETUP = [
  "In Postmark, open the server, then the message stream, then **Webhooks** > **Add webhook**.",
  "Set the **Webhook URL** to the Tidings URL with the integration's credentials in it:",
  "`https://<username>:<password>@<host>/v2/inbound-webhooks/delivery-providers/<environmentId>/<integrationId>`",
  "(or send them as the webhook's `HttpAuth` through the Webhooks API).",
  "Tick Delivery, Bounce, Spam Complaint, Open, Click and Subscription Change; **Send test** checks the URL.",
].join("\n");

export const postmark = definePlugin({
  contractVersion: 2,
  id: "postmark",
  displayName: "Postmark",
  contentTypes: ["application/json"],
  credentials: PostmarkCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // One record per POST; a list (a replayed batch) is taken as its records.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName,
  read: { date, externalId, eventId, response, details },
  setup: SETUP,
});

export default postmark;
