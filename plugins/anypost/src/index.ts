import { definePlugin } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { attempts, date, details, eventId, eventName, externalId, response, split } from "./readers.js";
import { AnypostCredentialsSchema, verify } from "./signature.js";

export { EVENTS, MAPPING, type AnypostEvent } from "./mapping.js";
export { AnypostCredentialsSchema, SIGNATURE_HEADER, TOLERANCE_SECONDS, type AnypostCredentials } from "./signature.js";

export const SETUP = [
  "Create an Anypost webhook (`POST /v1/webhooks`, or **Webhooks** > **Create Webhook** in the dashboard) for the integration's URL",
  "and the events email.sent, email.delivered, email.delayed, email.bounced, email.complained, email.suppressed,",
  "email.unsubscribed, email.opened and email.clicked.",
  "Copy the `whsec_...` signing secret, shown once at creation, into the integration's `signingKey`.",
  "After **rotate-secret**, list the new secret beside the old one; both sign during the 24-hour grace window.",
  "For basic auth as well, put it in the URL (`https://user:pass@host/...`) and set `username`/`password`.",
].join("\n");

/** Anypost webhooks: signed JSON batches of email events (https://anypost.com/docs/webhooks). */
export const anypost = definePlugin({
  contractVersion: 2,
  id: "anypost",
  displayName: "Anypost",
  contentTypes: ["application/json"],
  credentials: AnypostCredentialsSchema,
  verify,
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName,
  read: { date, externalId, eventId, attempts, response, details },
  setup: SETUP,
});

export default anypost;
