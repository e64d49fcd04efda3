import { credentialsSchema, definePlugin, verifyBasicAuth, type Infer } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { namedEvent, split } from "./names.js";
import { date, details, externalId, response } from "./readers.js";

export { EVENTS, MAPPING, REJECT_REASONS, STATUS_GROUPS, STATUS_NAMES, type InfobipEvent } from "./mapping.js";
export { callbackMetadata, MAX_CALLBACK_DATA } from "./readers.js";

/**
 * Infobip authenticates a delivery-report webhook with the basic auth its notification profile
 * holds (Subscriptions Management, security type BASIC), so the credentials are core's
 * username/password pair, a list for rotation.
 */
export const InfobipCredentialsSchema = credentialsSchema({});
export type InfobipCredentials = Infer<typeof InfobipCredentialsSchema>;

export const SETUP = [
  "In Infobip, open **Developer Tools** > **Subscriptions Management**.",
  "Under authentication settings, add a **Basic** one with the integration's username and password.",
  "Add a notification profile whose webhook URL is the integration's Tidings URL, with that authentication setting.",
  "Add a subscription for the **SMS** channel with the delivery report event and that profile.",
  "To receive `PENDING_*` and `DELIVERED_TO_OPERATOR` reports too, send with `webhooks.delivery.intermediateReport: true`.",
].join("\n");

export const infobip = definePlugin({
  contractVersion: 2,
  id: "infobip",
  displayName: "Infobip",
  contentTypes: ["application/json"],
  credentials: InfobipCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split,
  eventName: namedEvent,
  read: { date, externalId, response, details },
  setup: SETUP,
});

export default infobip;
