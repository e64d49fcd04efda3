import { definePlugin } from "@tidings/core";
import { EVENTS, MAPPING } from "./mapping.js";
import { namedEvent, splitBody } from "./payload.js";
import { date, details, externalId, response } from "./readers.js";
import { UnisenderGoCredentialsSchema, verify } from "./signature.js";

export { DELIVERY_STATUS_REASONS, EVENTS, MAPPING, REFINING_DELIVERY_STATUSES, type UnisenderGoEvent } from "./mapping.js";
export { UnisenderGoCredentialsSchema, type UnisenderGoCredentials } from "./signature.js";

/**
 * Unisender Go's webhooks: transactional email statuses (and spam block notices), batched under
 * `events_by_user` or one per call, signed by the MD5 `auth` field inside the body. Unisender Go
 * sends no event id: the engine hashes each event.
 */
export const unisenderGo = definePlugin({
  contractVersion: 2,
  id: "unisender-go",
  displayName: "Unisender Go",
  contentTypes: ["application/json"],
  credentials: UnisenderGoCredentialsSchema,
  verify,
  events: EVENTS,
  mapping: MAPPING,
  split: splitBody,
  eventName: namedEvent,
  read: { date, externalId, response, details },
  setup: [
    "In Unisender Go: Settings > Webhooks (Настройки > Вебхуки), add the integration's URL with event format `json_post`",
    "(not the compressed one), the email statuses to send, and \"additional information about delivery\" on (SMTP replies, codes, user agents).",
    "Put the API key the webhook belongs to (the account's, or the selected project's) in the integration's `signingKey`: it signs the `auth` field.",
    "For basic auth as well, put it in the URL (`https://user:pass@host/...`) and set `username`/`password`.",
  ].join("\n"),
});

export default unisenderGo;
