import type { ResolvedSubscription } from "../config/subscriptions.js";
import { send, type SendResult } from "./send.js";
import { signedHeaders } from "./worker.js";

export interface TestDeliveryOutcome {
  readonly messageId: string;
  readonly result: SendResult;
  readonly latencyMs: number;
}

/**
 * One signed `tidings.test` event to a subscription's URL, sent as deliveries are (same headers,
 * same address policy, same limits), for checking an endpoint before events flow to it. Not
 * stored, never retried.
 */
export async function sendTestDelivery(subscription: ResolvedSubscription, options: { readonly timeoutMs: number; readonly messageId: string; readonly now?: () => number }): Promise<TestDeliveryOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const body = JSON.stringify({
    type: "tidings.test",
    timestamp: new Date(started).toISOString(),
    data: { subscriptionId: subscription.id, environmentId: subscription.environmentId },
  });
  const result = await send(
    { url: subscription.url, headers: signedHeaders(subscription.secret, options.messageId, started, body), body },
    { timeoutMs: options.timeoutMs, allowPrivateNetwork: subscription.allowPrivateNetwork },
  );
  return { messageId: options.messageId, result, latencyMs: Math.max(0, now() - started) };
}
