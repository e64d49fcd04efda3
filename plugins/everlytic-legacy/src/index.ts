import { BasicCredentialsSchema, definePlugin, field, text, verifyBasicAuth } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { date, details, eventName, response } from "./read.js";

export { EVENTS, MAPPING, type EverlyticLegacyEvent } from "./mapping.js";

/**
 * The documented wrapper is `{ "event": {...} }` (JSON, or a form field holding JSON text, or
 * bracketed `event[trans_id]=...`); a list under `event` or a bare event object is accepted too.
 */
function splitBody(body: unknown): unknown[] {
  if (Array.isArray(body)) return body.flatMap(splitBody);
  const event = field(body, "event");
  if (Array.isArray(event)) return event;
  if (event !== undefined) return [event];
  return [body];
}

export const everlyticLegacy = definePlugin({
  contractVersion: 2,
  id: "everlytic-legacy",
  displayName: "Everlytic (legacy field set)",
  contentTypes: ["application/json", "application/x-www-form-urlencoded"],
  jsonFormFields: ["event"],
  credentials: BasicCredentialsSchema,
  verify: ({ request, credentials }) => verifyBasicAuth(request, credentials),
  events: EVENTS,
  mapping: MAPPING,
  split: splitBody,
  eventName,
  read: {
    date,
    externalId: (raw) => text(field(raw, "trans_id")),
    response,
    eventId: (raw) => text(field(raw, "event_id")),
    details,
  },
  setup: [
    "Register the webhook with `pnpm tidings everlytic connect --integration <env>/<integration> --public-url <https://...>`",
    "(it sets field set `legacy`, the content type and basic auth from this integration), or by hand with Everlytic's",
    "Create Webhook API, `field_set: legacy` and `auth_details` set to one of the integration's username/password pairs.",
  ].join("\n"),
});

export default everlyticLegacy;
