import { isIP } from "node:net";
import type { Status } from "@tidings/core";
import { isPublicAddress } from "../host/address-policy.js";
import { DEFAULT_RETRY_SCHEDULE, type EnvironmentConfig, type SubscriptionConfig } from "./schema.js";

/** A subscription as the receiver and the delivery worker use it. */
export interface ResolvedSubscription {
  readonly id: string;
  readonly environmentId: string;
  readonly url: URL;
  readonly secret: string;
  /** Undefined: every status. */
  readonly statuses: ReadonlySet<Status> | undefined;
  /** Undefined: every integration of the environment. */
  readonly integrations: ReadonlySet<string> | undefined;
  readonly retrySchedule: readonly number[];
  readonly allowPrivateNetwork: boolean;
}

/** Whether a subscription takes an event of this integration and status. */
export function subscribes(subscription: ResolvedSubscription, integrationId: string, status: Status): boolean {
  return (subscription.integrations?.has(integrationId) ?? true) && (subscription.statuses?.has(status) ?? true);
}

/**
 * Checks each subscription against the environments and integrations and against the address
 * policy, so a mistake stops the start with its path rather than failing every delivery later. An
 * address (or `localhost`) in the URL is judged here; a host name's addresses on each attempt.
 * Returns the problem as text, or the resolved subscriptions.
 */
export function resolveSubscriptions(
  subscriptions: readonly SubscriptionConfig[],
  environments: ReadonlyMap<string, EnvironmentConfig>,
  integrationIds: (environmentId: string) => ReadonlySet<string>,
): ResolvedSubscription[] | { at: string; problem: string } {
  const seen = new Set<string>();
  const resolved: ResolvedSubscription[] = [];
  for (const [i, subscription] of subscriptions.entries()) {
    const at = `/subscriptions/${i}`;
    if (seen.has(subscription.id)) return { at: `${at}/id`, problem: `"${subscription.id}" is listed twice` };
    seen.add(subscription.id);
    if (!environments.has(subscription.environmentId)) return { at: `${at}/environmentId`, problem: `no environment "${subscription.environmentId}"` };
    const known = integrationIds(subscription.environmentId);
    const unknown = subscription.integrations?.find((id) => !known.has(id));
    if (unknown !== undefined) return { at: `${at}/integrations`, problem: `no integration "${unknown}" in environment "${subscription.environmentId}"` };
    const key = Buffer.from(subscription.secret.slice("whsec_".length), "base64");
    if (key.length < 24 || key.length > 64) return { at: `${at}/secret`, problem: `the secret holds ${key.length} bytes; use 24 to 64 random bytes, base64 after whsec_` };
    if (!URL.canParse(subscription.url)) return { at: `${at}/url`, problem: `not a URL: ${subscription.url}` };
    const url = new URL(subscription.url);
    const allowPrivateNetwork = subscription.allowPrivateNetwork ?? false;
    if (!allowPrivateNetwork) {
      const refused = privateTarget(url);
      if (refused !== undefined) {
        return { at: `${at}/url`, problem: `${url.origin} is ${refused}; delivering there needs "allowPrivateNetwork": true on this subscription` };
      }
      if (url.protocol !== "https:") return { at: `${at}/url`, problem: `${url.origin} is plain http; use https (plain http only with "allowPrivateNetwork": true)` };
    }
    if (url.username !== "" || url.password !== "") return { at: `${at}/url`, problem: "a URL with credentials is not used; the signature authenticates deliveries" };
    resolved.push({
      id: subscription.id,
      environmentId: subscription.environmentId,
      url,
      secret: subscription.secret,
      statuses: subscription.statuses === undefined ? undefined : new Set(subscription.statuses),
      integrations: subscription.integrations === undefined ? undefined : new Set(subscription.integrations),
      retrySchedule: subscription.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
      allowPrivateNetwork,
    });
  }
  return resolved;
}

/** Why the URL names a private destination by itself (an address literal, or localhost), if it does. */
function privateTarget(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : `the address ${host}, which is not public (loopback, private, link-local or reserved)`;
  if (host === "localhost" || host.endsWith(".localhost")) return `${host}, which is loopback`;
  return undefined;
}
