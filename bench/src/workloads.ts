import { encodeForm, inboundRequest, type InboundRequest } from "@tidings/core";
import { basicAuth, EVERLYTIC_TYPES, everlyticStandardPayload, Random, SENDGRID_EVENTS, sendgridBody, sendgridEvent } from "@tidings/simulator";

/** Representative bodies, generated from a fixed seed so every run measures the same bytes. */
export const NOW = new Date("2026-01-15T10:00:00.000Z");
export const EVERLYTIC_CREDENTIALS = { username: "everlytic", password: "bench-webhook-password" };
export const EVERLYTIC_AUTH = basicAuth(EVERLYTIC_CREDENTIALS.username, EVERLYTIC_CREDENTIALS.password);

export function sendgridEvents(count: number, seed = 1): Record<string, unknown>[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const event = sendgridEvent(SENDGRID_EVENTS[i % SENDGRID_EVENTS.length]!, random, NOW);
    // Novu's SendGrid parser keys events by an `id` custom arg it adds at send time.
    return { ...event, id: `novu-message-${i}` };
  });
}

export function sendgridBatch(count: number, seed = 1): Buffer {
  return Buffer.from(sendgridBody(sendgridEvents(count, seed)));
}

export function everlyticPayloads(count: number, seed = 2): Record<string, unknown>[] {
  const random = new Random(seed);
  return Array.from({ length: count }, (_, i) => everlyticStandardPayload(EVERLYTIC_TYPES[i % EVERLYTIC_TYPES.length]!, random, NOW));
}

export function everlyticRequests(payloads: readonly Record<string, unknown>[], encoding: "json" | "form"): InboundRequest[] {
  return payloads.map((payload) =>
    inboundRequest({
      headers: {
        "content-type": encoding === "json" ? "application/json" : "application/x-www-form-urlencoded",
        authorization: EVERLYTIC_AUTH,
      },
      body: Buffer.from(encoding === "json" ? JSON.stringify(payload) : encodeForm(payload)),
    }),
  );
}
