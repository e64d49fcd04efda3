import { definePlugin } from "@tidings/core";
import { splitBody } from "./fields.js";
import { generationOf } from "./generation.js";
import { EVENTS, MAPPING } from "./mapping.js";
import { MailgunCredentialsSchema, verify } from "./signature.js";

export { EVENTS, MAPPING, type MailgunEvent } from "./mapping.js";
export { DEFAULT_MAX_AGE_SECONDS, MailgunCredentialsSchema, type MailgunCredentials } from "./signature.js";

/**
 * Mailgun webhooks, both generations at one URL: the current JSON webhooks
 * (`{ signature: {timestamp, token, signature}, "event-data": {...} }`) and the legacy form and
 * multipart posts (the event's fields and the signature's side by side). A body is current when
 * it has `event-data`.
 */
export const mailgun = definePlugin({
  contractVersion: 2,
  id: "mailgun",
  displayName: "Mailgun",
  contentTypes: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
  credentials: MailgunCredentialsSchema,
  verify,
  events: EVENTS,
  mapping: MAPPING,
  split: splitBody,
  eventName: (raw) => generationOf(raw).eventName(raw),
  read: {
    date: (raw) => generationOf(raw).date(raw),
    externalId: (raw) => generationOf(raw).externalId(raw),
    attempts: (raw) => generationOf(raw).attempts(raw),
    response: (raw) => generationOf(raw).response(raw),
    eventId: (raw) => generationOf(raw).eventId(raw),
    details: (raw) => generationOf(raw).details(raw),
  },
  setup: [
    "In Mailgun: Sending > Webhooks, pick the domain, and add the integration's URL for each event to send",
    "(Delivered, Permanent failure, Temporary failure, Opened, Clicked, Unsubscribed, Spam complaint, Accepted).",
    "Copy the HTTP webhook signing key shown on that page into the integration's `signingKey`.",
    "For basic auth as well, put it in the URL (`https://user:pass@host/...`) and set `username`/`password`.",
    "Legacy webhooks (read-only since 2023) may point at the same URL; list every key that may sign them.",
  ].join("\n"),
});

export default mailgun;
