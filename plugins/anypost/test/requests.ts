import { createHmac } from "node:crypto";
import fc from "fast-check";
import { basicAuthHeader } from "@tidings/core";
import type { SuiteRequest } from "@tidings/testkit";
import { SIGNATURE_HEADER } from "../src/index.js";

export const SIGNING_KEY = "whsec_propertySuiteSigningSecret01";
/** The secret a rotation replaces: Anypost signs with both during the grace window. */
export const OLD_KEY = "whsec_propertySuiteSigningSecret00";
export const OTHER_KEY = "whsec_someoneElsesSigningSecret000";
export const NOW = new Date("2026-04-30T12:00:30.000Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const USERNAME = "anypost";
export const PASSWORD = "basic-auth-password";

/** What the SDKs compute: HMAC-SHA256 over `${t}.${body}` keyed with the secret's UTF-8 bytes, hex. */
export function v1(key: string, timestamp: number | string, body: string | Uint8Array): string {
  return createHmac("sha256", key).update(`${timestamp}.`).update(body).digest("hex");
}

export function signatureHeader(body: string | Uint8Array, timestamp: number | string, keys: readonly string[] = [SIGNING_KEY]): string {
  return [`t=${timestamp}`, ...keys.map((key) => `v1=${v1(key, timestamp, body)}`)].join(",");
}

export function signed(body: string, timestamp: number = NOW_SECONDS - 30, keys?: readonly string[]): SuiteRequest {
  return { contentType: "application/json", body, headers: { [SIGNATURE_HEADER]: signatureHeader(body, timestamp, keys) } };
}

const uuid = fc.uuid();
const isoDate = fc.date({ min: new Date("2024-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/);

/** One event named `name` (its type in any case), with every data field the events API documents, some null. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      id: uuid.map((u) => `evt_${u.replaceAll("-", "")}`),
      type: fc.constantFrom(name, name.toUpperCase()),
      occurred_at: isoDate,
      email_id: uuid.map((u) => `email_${u}`),
      recipient: fc.emailAddress(),
      subject: fc.string({ maxLength: 30 }),
      tags: fc.array(label, { maxLength: 3 }),
      campaign: fc.option(label),
      topic: fc.option(label),
      smtp_code: fc.option(fc.constantFrom(250, 421, 451, 550, 554)),
      bounce_type: fc.option(fc.constantFrom("permanent", "transient", "expired", "Hard", "Soft", "novel")),
      bounce_classification: fc.option(fc.constantFrom("InvalidRecipient", "MailboxFull")),
      attempt: fc.option(fc.integer({ min: 1, max: 12 })),
      tracking: fc.option(fc.record({ bot: fc.record({ source: fc.constantFrom("google", "yahoo", "bing"), kind: fc.constant("proxy") }) })),
    })
    .map(({ id, type, occurred_at, ...data }) => ({ id, type, occurred_at, data }));
}

/**
 * Anypost's delivery: a signed batch of 1-3 events named `name` (sometimes a bare list or one
 * event), signed with the current secret, the old one, or both as during a rotation, within the
 * window, with the integration's basic auth.
 */
export function anypostRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      events: fc.array(rawEvent(name), { minLength: 1, maxLength: 3 }),
      form: fc.constantFrom("batch", "batch", "list", "single"),
      skew: fc.integer({ min: -290, max: 290 }),
      keys: fc.constantFrom([SIGNING_KEY], [OLD_KEY], [OLD_KEY, SIGNING_KEY]),
      batchId: uuid.map((u) => u.replaceAll("-", "")),
    })
    .map(({ events, form, skew, keys, batchId }) => {
      const timestamp = NOW_SECONDS + skew;
      const payload = form === "batch" ? { batch_id: batchId, timestamp, events } : form === "list" ? events : events[0];
      const body = JSON.stringify(payload);
      return {
        contentType: "application/json",
        body,
        headers: { [SIGNATURE_HEADER]: signatureHeader(body, timestamp, keys), authorization: basicAuthHeader(USERNAME, PASSWORD) },
      };
    });
}
