/** Where one integration's webhooks are posted (Novu's path), and its feed below it. */
export const INBOUND_PREFIX = "/v2/inbound-webhooks/delivery-providers";
export const INBOUND_PATH = `${INBOUND_PREFIX}/:environmentId/:integrationId`;
/** Every event of one message (by provider message id or sender's correlation id). */
export const TIMELINE_PATH = `${INBOUND_PATH}/messages/:messageId/events`;

/** A subscription's deliveries (the delivery operations), and what can be done to them. */
export const SUBSCRIPTIONS_PATH = "/v2/environments/:environmentId/subscriptions";
export const SUBSCRIPTION_PATH = `${SUBSCRIPTIONS_PATH}/:subscriptionId`;
export const DELIVERIES_PATH = `${SUBSCRIPTION_PATH}/deliveries`;
export const RETRY_PATH = `${DELIVERIES_PATH}/:deliveryId/retry`;
export const REPLAY_PATH = `${SUBSCRIPTION_PATH}/replay`;

/** The path of one integration's webhook URL. */
export function inboundPath(environmentId: string, integrationId: string): string {
  return `${INBOUND_PREFIX}/${encodeURIComponent(environmentId)}/${encodeURIComponent(integrationId)}`;
}
