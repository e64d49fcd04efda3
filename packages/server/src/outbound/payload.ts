import { createHash } from "node:crypto";
import type { AcceptedRecord, AcceptedResult } from "../store/store.js";

/** A delivery as it is queued: everything the attempt needs is fixed at commit time. */
export interface NewDelivery {
  readonly subscriptionId: string;
  /** The `webhook-id`: the same on every attempt, so the endpoint can recognize a repeat. */
  readonly messageId: string;
  readonly environmentId: string;
  readonly integrationId: string;
  readonly eventId: string;
  /** The request body, exactly as it is signed and sent. */
  readonly payload: string;
}

/** What a delivery's `data` holds: the event as the feed answers it, with its environment. */
export interface DeliveryData {
  readonly id: string;
  readonly event: AcceptedResult["event"];
  readonly details?: AcceptedResult["details"];
  readonly environmentId: string;
  readonly integrationId: string;
  readonly provider: string;
  readonly correlationId?: string;
  readonly receivedAt: string;
}

/** The body of one delivery (Standard Webhooks' `{type, timestamp, data}`); `timestamp` is the event's own time. */
export function deliveryBody(data: DeliveryData): string {
  const { id, event, details, environmentId, integrationId, provider, correlationId, receivedAt } = data;
  return JSON.stringify({
    type: `message.${event.status}`,
    timestamp: event.date,
    data: {
      id,
      event,
      ...(details === undefined ? {} : { details }),
      environmentId,
      integrationId,
      provider,
      ...(correlationId === undefined ? {} : { correlationId }),
      receivedAt,
    },
  });
}

/**
 * `msg_` and a digest of the subscription and the event: stable, so every retry (and a second
 * instance's attempt after a crash) carries the same id. A replay passes its own `round`, so the
 * endpoint does not discard what it was asked to receive again.
 */
export function messageId(subscriptionId: string, environmentId: string, integrationId: string, eventId: string, round = ""): string {
  const digest = createHash("sha256").update([subscriptionId, environmentId, integrationId, eventId, round].join("\u0000")).digest("base64url");
  return `msg_${digest.slice(0, 32)}`;
}

/** The deliveries of one accepted request's new results: one per result and subscription it names. */
export function newDeliveries(record: AcceptedRecord, fresh: readonly AcceptedResult[]): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  const { environmentId, integrationId } = record.scope;
  for (const result of fresh) {
    if (result.subscriptions === undefined || result.subscriptions.length === 0) continue;
    const payload = deliveryBody({
      id: result.id,
      event: result.event,
      ...(result.details === undefined ? {} : { details: result.details }),
      environmentId,
      integrationId,
      provider: record.provider,
      ...(result.correlationId === undefined ? {} : { correlationId: result.correlationId }),
      receivedAt: record.request.receivedAt,
    });
    for (const subscriptionId of result.subscriptions) {
      deliveries.push({ subscriptionId, messageId: messageId(subscriptionId, environmentId, integrationId, result.id), environmentId, integrationId, eventId: result.id, payload });
    }
  }
  return deliveries;
}
