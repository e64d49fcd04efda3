import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createNormalizer, type Normalized } from "@tidings/core";
import { sendgrid, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@tidings/plugin-sendgrid";

/** SendGrid's test key pair from fixtures/sendgrid/keys: requests signed now, as SendGrid signs them. */
const keys = new URL("../../../fixtures/sendgrid/keys/", import.meta.url);
const privateKey = createPrivateKey(readFileSync(new URL("test-private.pem", keys), "utf8"));
export const publicKey = readFileSync(new URL("test-public.txt", keys), "utf8").trim();

export const BODY =
  '[{"email":"example@test.com","timestamp":1513299569,"event":"delivered","sg_event_id":"sg-1","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","response":"250 OK"},\r\n' +
  '{"email":"example@test.com","timestamp":1513299570,"event":"group_resubscribe","sg_event_id":"sg-2","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"}]\r\n';

export function signedHeaders(body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), { key: privateKey, dsaEncoding: "der" }).toString("base64");
  return { "content-type": "application/json", [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
}

/** The same signature over a body with one byte changed. */
export function tampered(): { headers: Record<string, string>; body: string } {
  return { headers: signedHeaders(BODY), body: BODY.replace("250 OK", "250 0K") };
}

export const normalizer = createNormalizer({ plugin: sendgrid, credentials: { publicKey } });

/** Collects what each call hands to onEvents. */
export function sink(): { readonly calls: Normalized[]; onEvents(normalized: Normalized): void } {
  const calls: Normalized[] = [];
  return { calls, onEvents: (normalized) => void calls.push(normalized) };
}

/** What every adapter must do with a signed batch and a tampered one. */
export async function expectFailsClosed(post: (headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>): Promise<void> {
  const { expect } = await import("vitest");
  const good = await post(signedHeaders(BODY), BODY);
  expect(good.status).toBe(200);
  expect(JSON.parse(good.body)).toEqual([{ id: "sg-1", event: expect.objectContaining({ status: "delivered", externalId: "14c5d75ce93.dfd.64b469" }) }]);
  const bad = tampered();
  const refused = await post(bad.headers, bad.body);
  expect(refused.status).toBe(401);
  expect(JSON.parse(refused.body)).toMatchObject({ code: "unauthorized" });
}
