import fc from "fast-check";
import { z } from "zod";
import { definePlugin, engineError, field, ignore, text, type Plugin } from "../src/index.js";

/** A tiny provider used to exercise the engine and the suite: `{ events: [{ kind, at, msg, eid }] }`. */
export const SAMPLE_EVENTS = ["sent", "delivered", "bounce", "ping"] as const;

export const samplePlugin = definePlugin({
  contractVersion: 1,
  id: "sample",
  displayName: "Sample provider",
  contentTypes: ["application/json", "application/x-www-form-urlencoded"],
  credentials: z.object({ token: z.string().min(1) }).strict(),
  verify: ({ request, credentials }) => {
    if (credentials === undefined) return { ok: true, verified: false, reason: "no token configured" };
    return request.headers["x-token"] === credentials.token
      ? { ok: true, verified: true }
      : { ok: false, error: engineError("unauthorized", "bad token", "x-token") };
  },
  events: SAMPLE_EVENTS,
  mapping: { sent: "sent", delivered: "delivered", bounce: "bounced", ping: ignore("a health probe") },
  split: (body) => {
    const events = field(body, "events");
    return Array.isArray(events) ? events : [body];
  },
  eventName: (raw) => text(field(raw, "kind")),
  read: {
    date: (raw) => text(field(raw, "at")),
    externalId: (raw) => text(field(raw, "msg")),
    eventId: (raw) => text(field(raw, "eid")),
  },
});

export const SAMPLE_TOKEN = "s3cret";

/** Valid sample requests whose events are all named `name` (the test kit's SuiteRequest shape). */
export function sampleRequest(name: string): fc.Arbitrary<{ contentType: "application/json"; body: string; headers: Record<string, string> }> {
  const event = fc.record(
    {
      kind: fc.constant(name),
      at: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
      msg: fc.uuid(),
      eid: fc.uuid(),
    },
    { requiredKeys: ["kind", "at"] },
  );
  return fc.array(event, { minLength: 1, maxLength: 5 }).map((events) => ({
    contentType: "application/json" as const,
    body: JSON.stringify({ events }),
    headers: { "x-token": SAMPLE_TOKEN },
  }));
}

/** Builds a variant of the sample plugin with some parts replaced (for the broken-plugin tests). */
export function samplePluginWith(overrides: Partial<Plugin<string, { token: string }>>): Plugin<string, { token: string }> {
  return { ...samplePlugin, ...overrides } as Plugin<string, { token: string }>;
}
