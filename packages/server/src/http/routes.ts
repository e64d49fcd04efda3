/** Where one integration's webhooks are posted (Novu's path), and its feed below it. */
export const INBOUND_PREFIX = "/v2/inbound-webhooks/delivery-providers";
export const INBOUND_PATH = `${INBOUND_PREFIX}/:environmentId/:integrationId`;
/** Every event of one message (by provider message id or sender's correlation id). */
export const TIMELINE_PATH = `${INBOUND_PATH}/messages/:messageId/events`;

/** The path of one integration's webhook URL. */
export function inboundPath(environmentId: string, integrationId: string): string {
  return `${INBOUND_PREFIX}/${encodeURIComponent(environmentId)}/${encodeURIComponent(integrationId)}`;
}
