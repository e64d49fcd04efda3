import { createHmac } from "node:crypto";
import fc from "fast-check";
import type { SuiteRequest } from "@tidings/testkit";

export const SIGNING_KEY = "key-property-suite-0123456789";
export const OTHER_KEY = "key-property-suite-someone-else";
export const NOW = new Date("2026-01-15T10:00:00.000Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

export function sign(timestamp: string, token: string, key = SIGNING_KEY): string {
  return createHmac("sha256", key).update(timestamp + token).digest("hex");
}

/** Names only the current webhooks send, only the legacy ones send, and both send. */
const CURRENT_ONLY = new Set(["accepted", "rejected", "failed:permanent", "failed:temporary", "stored"]);
const LEGACY_ONLY = new Set(["dropped", "bounced"]);

const token = fc.stringMatching(/^[0-9a-f]{50}$/);
const skew = fc.integer({ min: -600, max: 300 });
const tags = fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { maxLength: 3 });
const variables = fc.dictionary(fc.stringMatching(/^v-[a-z0-9]{1,8}$/), fc.string({ minLength: 1, maxLength: 20 }), { maxKeys: 3 });
const messageIdText = fc.stringMatching(/^[0-9]{14}\.[0-9]\.[0-9A-F]{8}@mg\.example\.com$/);

/** A signed current webhook whose event-data is a `name` event (`failed:permanent` is event failed, severity permanent). */
export function currentRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      id: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      timestamp: fc.double({ min: 1_500_000_000, max: 1_900_000_000, noNaN: true }),
      recipient: fc.emailAddress(),
      messageId: messageIdText,
      attempt: fc.integer({ min: 1, max: 8 }),
      message: fc.string({ maxLength: 30 }),
      code: fc.constantFrom(250, 421, 451, 550, 605),
      reason: fc.constantFrom("bounce", "suppress-bounce", "suppress-unsubscribe", "suppress-complaint", "generic", "espblock"),
      url: fc.webUrl(),
      userAgent: fc.string({ minLength: 1, maxLength: 40 }),
      tags,
      variables,
      token,
      skew,
      upperCase: fc.boolean(),
    })
    .map((r): SuiteRequest => {
      const [event, severity] = name.split(":");
      const signedAt = String(NOW_SECONDS + r.skew);
      const eventData = {
        event,
        ...(severity === undefined ? {} : { severity: r.upperCase ? severity.toUpperCase() : severity, reason: r.reason }),
        id: r.id,
        timestamp: r.timestamp,
        recipient: r.recipient,
        tags: r.tags,
        "user-variables": r.variables,
        message: { headers: { "message-id": r.messageId } },
        "delivery-status": { "attempt-no": r.attempt, code: r.code, message: r.message, description: "" },
        ...(event === "clicked" ? { url: r.url } : {}),
        ...(event === "opened" || event === "clicked" ? { ip: "50.56.129.169", "client-info": { "user-agent": r.userAgent } } : {}),
        ...(event === "rejected" ? { reject: { reason: r.message, description: "" } } : {}),
      };
      const body = { signature: { timestamp: signedAt, token: r.token, signature: sign(signedAt, r.token) }, "event-data": eventData };
      return { contentType: "application/json", body: JSON.stringify(body) };
    });
}

/** The fields of a signed legacy post of a `name` event, in the order Mailgun writes them. */
export function legacyFields(name: string): fc.Arbitrary<[string, string][]> {
  return fc
    .record({
      recipient: fc.emailAddress(),
      messageId: messageIdText,
      headersStyle: fc.constantFrom("field", "message-headers"),
      tags,
      tagField: fc.constantFrom("tag", "X-Mailgun-Tag"),
      variables,
      code: fc.constantFrom("550", "5.1.1", "605", "606", "607", "421"),
      reason: fc.constantFrom("hardfail", "old"),
      error: fc.string({ maxLength: 30 }),
      url: fc.webUrl(),
      userAgent: fc.string({ minLength: 1, maxLength: 40 }),
      token,
      skew,
    })
    .map((r) => {
      const signedAt = String(NOW_SECONDS + r.skew);
      const fields: [string, string][] = [["event", name], ["recipient", r.recipient], ["domain", "mg.example.com"]];
      if (r.headersStyle === "field") {
        fields.push(["Message-Id", `<${r.messageId}>`], ...Object.entries(r.variables));
      } else {
        const headers = [["Message-Id", `<${r.messageId}>`], ["X-Mailgun-Variables", JSON.stringify(r.variables)]];
        fields.push(["message-headers", JSON.stringify(headers)]);
      }
      fields.push(...r.tags.map((tag): [string, string] => [r.tagField, tag]));
      if (name === "bounced") fields.push(["code", r.code], ["error", r.error]);
      if (name === "dropped") fields.push(["reason", r.reason], ["code", r.code], ["description", r.error]);
      if (name === "clicked") fields.push(["url", r.url]);
      if (name === "opened" || name === "clicked") fields.push(["ip", "50.56.129.169"], ["user-agent", r.userAgent]);
      fields.push(["timestamp", signedAt], ["token", r.token], ["signature", sign(signedAt, r.token)]);
      return fields;
    });
}

export function legacyRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return legacyFields(name).map((fields) => ({ contentType: "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() }));
}

/** Multipart as Mailgun posts a legacy event with attachments; the boundary travels in the header. */
export async function multipartRequest(fields: readonly (readonly [string, string | Blob, string?])[]): Promise<{ contentType: string; body: Uint8Array }> {
  const form = new FormData();
  for (const [key, value, filename] of fields) {
    if (typeof value === "string") form.append(key, value);
    else form.append(key, value, filename);
  }
  const response = new Response(form);
  return { contentType: response.headers.get("content-type")!, body: new Uint8Array(await response.arrayBuffer()) };
}

/** Requests for any event name: the generation that sends it, or either for names both send (and unknown ones). */
export function mailgunRequest(name: string): fc.Arbitrary<SuiteRequest> {
  if (CURRENT_ONLY.has(name)) return currentRequest(name);
  if (LEGACY_ONLY.has(name)) return legacyRequest(name);
  return fc.oneof(currentRequest(name), legacyRequest(name));
}
