import { ignore, type Mapping, type RejectReason } from "@tidings/core";

/**
 * Every event Mandrill (Mailchimp Transactional) posts in `mandrill_events`
 * (https://mailchimp.com/developer/transactional/docs/webhooks/): the message events by their
 * `event`, the inbound message, and the sync events, which carry no `event` but a `type` naming
 * the list that changed (`sync:<type>`). The pages now call the lists denylist and allowlist
 * (safelist on the help centre); the payloads Mandrill sends name them blacklist and whitelist.
 */
export const EVENTS = [
  "send",
  "delivered",
  "deferral",
  "hard_bounce",
  "soft_bounce",
  "open",
  "click",
  "spam",
  "unsub",
  "reject",
  "inbound",
  "sync:blacklist",
  "sync:denylist",
  "sync:whitelist",
  "sync:allowlist",
  "sync:safelist",
] as const;
export type MandrillEvent = (typeof EVENTS)[number];

const DENYLIST_CHANGE = ignore("a change to the rejection denylist (an address added, changed or removed), not an event of one message");
const ALLOWLIST_CHANGE = ignore("a change to the rejection allowlist (an address added or removed), not an event of one message");

export const MAPPING: Mapping<MandrillEvent> = {
  // "message has been sent successfully": it left Mandrill; `delivered` reports the receiver's answer.
  send: "sent",
  delivered: "delivered",
  // The receiving server asked Mandrill to slow down or answered with a temporary failure; Mandrill retries.
  deferral: "deferred",
  hard_bounce: "bounced",
  // "After a bounce occurs for a recipient email address, Mandrill stops attempting delivery of the
  // email" (About Bounces): final for this message, though not for the address.
  soft_bounce: "bounced",
  open: "opened",
  click: "clicked",
  spam: "spam",
  unsub: "unsubscribed",
  // Mandrill accepted the API call, then chose not to send to this recipient (its rejection
  // denylist after bounces, complaints, unsubscribes or a manual entry): the vocabulary's dropped.
  reject: "dropped",
  inbound: ignore("an inbound email received through an inbound route, not a delivery event"),
  "sync:blacklist": DENYLIST_CHANGE,
  "sync:denylist": DENYLIST_CHANGE,
  "sync:whitelist": ALLOWLIST_CHANGE,
  "sync:allowlist": ALLOWLIST_CHANGE,
  "sync:safelist": ALLOWLIST_CHANGE,
};

/**
 * Why an address is on the rejection denylist, as the Rejects API names it (`reason`: hard-bounce,
 * soft-bounce, spam, unsub, custom), read from a rejected message's `msg.reject` entry.
 */
export const DENYLIST_REASONS: Readonly<Record<string, RejectReason>> = {
  "hard-bounce": "bounced",
  "soft-bounce": "bounced",
  spam: "spam",
  unsub: "unsubscribed",
  custom: "other",
};
