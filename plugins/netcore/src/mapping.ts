import type { Mapping } from "@tidings/core";

/**
 * Netcore Email API (formerly Pepipost) webhook events: the `EVENT` values its webhook pages
 * document (https://emaildev.netcorecloud.com/webhooks/repository/events,
 * https://emaildocs.netcorecloud.com/docs/repository-outline and the older Pepipost pages, which
 * name the same events `delivered` and `abuse`). A `bounced` event is split by `BOUNCE_TYPE`
 * (`HARDBOUNCE` / `SOFTBOUNCE`); a bounce without a known type keeps the plain name.
 */
export const EVENTS = [
  "sent",
  "delivered",
  "bounced:hard",
  "bounced:soft",
  "bounced",
  "dropped",
  "invalid",
  "opened",
  "clicked",
  "unsubscribed",
  "spam",
  "abuse",
] as const;
export type NetcoreEvent = (typeof EVENTS)[number];

export const MAPPING: Mapping<NetcoreEvent> = {
  // "Email has been successfully delivered to the receiving server", with that server's 250 reply
  // in RESPONSE: the receiver accepted it, which the vocabulary calls delivered, not sent.
  sent: "delivered",
  delivered: "delivered",
  "bounced:hard": "bounced",
  // "We do retries for sending soft bounced emails": a temporary failure at the receiving server.
  "bounced:soft": "deferred",
  bounced: "bounced",
  dropped: "dropped",
  // "Syntactically incorrect email ids": Netcore decides not to send, as for a suppressed address.
  invalid: "dropped",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  // "Recipient marked the message as spam": the recipient's own report.
  spam: "spam",
  abuse: "spam",
};
