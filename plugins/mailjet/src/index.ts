import { credentialsSchema, definePlugin, verifyBasicAuth, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { details, eventDate, externalId, namedEvent, response } from "./read.js";

export { EVENTS, MAPPING, eventName, type MailjetEvent } from "./mapping.js";

/**
 * Mailjet signs nothing; it recommends basic auth in the webhook URL
 * (`https://user:pass@host/...`), so credentials are username/password only, each a list while a
 * pair is being rotated.
 */
export const MailjetCredentialsSchema = credentialsSchema({});
export type MailjetCredentials = Infer<typeof MailjetCredentialsSchema>;

export const mailjet = definePlugin({
  contractVersion: 2,
  id: "mailjet",
  displayName: "Mailjet Event API",
  contentTypes: ["application/json"],
  credentials: MailjetCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  // Grouped events (Event API version 2, "Group events") are a JSON array; otherwise each call
  // carries one bare event object.
  split: (body) => (Array.isArray(body) ? body : [body]),
  eventName: namedEvent,
  read: { date: eventDate, externalId, response, details },
  setup: [
    "In Mailjet: Account settings > Event tracking (triggers), or `POST /v3/REST/eventcallbackurl` once per event type:",
    "set the integration's URL with basic-auth credentials in it (`https://user:pass@host/...`) for",
    "sent, open, click, bounce, blocked, spam and unsub, and tick \"Group events\" (API: `Version: 2`) for",
    "JSON-array batches. Mailjet retries every 30 s for 24 h on any non-200 answer.",
  ].join("\n"),
});

export default mailjet;
