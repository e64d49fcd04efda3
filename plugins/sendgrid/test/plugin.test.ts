import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { inboundRequest, normalize } from "@tidings/core";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { sendgrid, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../src/index.js";

const keys = new URL("../../../fixtures/sendgrid/keys/", import.meta.url);
const privateKey = createPrivateKey(readFileSync(new URL("test-private.pem", keys), "utf8"));
const publicKey = readFileSync(new URL("test-public.txt", keys), "utf8").trim();
const NOW = new Date("2026-01-15T10:00:00.000Z");
const TIMESTAMP = String(Math.floor(NOW.getTime() / 1000) - 30);

function signatureHeaders(body: string | Uint8Array, timestamp = TIMESTAMP): Record<string, string> {
  const signed = Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]);
  return { [SIGNATURE_HEADER]: sign("sha256", signed, { key: privateKey, dsaEncoding: "der" }).toString("base64"), [TIMESTAMP_HEADER]: timestamp };
}

/** SendGrid's wire form: a JSON array with CRLF between events and at the end. */
const wire = (events: readonly unknown[]) => `[${events.map((e) => JSON.stringify(e)).join(",\r\n")}]\r\n`;

/** A raw event named `name`; `bounce:blocked` is a bounce whose type is blocked, in any case. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [event, subtype] = name === "bounce:blocked" ? ["bounce", fc.constantFrom("blocked", "Blocked", "BLOCKED")] : [name, name === "bounce" ? fc.constantFrom("bounce", "Bounce") : fc.constant(undefined)];
  return fc
    .record(
      {
        email: fc.emailAddress(),
        timestamp: fc.integer({ min: 1_400_000_000, max: 2_000_000_000 }),
        "smtp-id": fc.stringMatching(/^[0-9a-f]{8,12}$/).map((h) => `<${h}@ismtpd-1>`),
        sg_event_id: fc.base64String({ minLength: 8, maxLength: 24 }).filter((s) => s.length > 0),
        sg_message_id: fc.stringMatching(/^[0-9a-f]{8,12}$/).map((h) => `${h}.filter0001.16648.5515E0B88.0`),
        category: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 })),
        attempt: fc.integer({ min: 1, max: 9 }).map(String),
        response: fc.string({ maxLength: 20 }),
        reason: fc.string({ maxLength: 20 }),
        bounce_classification: fc.constantFrom("Invalid Address", "Reputation", "technical failure"),
        sg_machine_open: fc.boolean(),
        tenant: fc.string({ maxLength: 8 }),
      },
      { requiredKeys: ["timestamp"] },
    )
    .chain((fields) => subtype.map((type) => (type === undefined ? { ...fields, event } : { ...fields, event, type })));
}

/** Signed batches of 1-5 events named `name`. */
export function sendgridRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc.array(rawEvent(name), { minLength: 1, maxLength: 5 }).map((events) => {
    const body = wire(events);
    return { contentType: "application/json", body, headers: signatureHeaders(body) };
  });
}

testPlugin({ plugin: sendgrid, credentials: { publicKey }, now: NOW, requestFor: sendgridRequest });

const OTHER_PUBLIC_KEY =
  "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==";
const signedBody = wire([{ event: "delivered", timestamp: 1_700_000_000, sg_event_id: "e-1" }]);
const staleTimestamp = String(Math.floor(NOW.getTime() / 1000) - 25 * 60 * 60);

testSignatures({
  plugin: sendgrid,
  credentials: { publicKey },
  wrongCredentials: { publicKey: OTHER_PUBLIC_KEY },
  now: NOW,
  validRequest: { contentType: "application/json", body: signedBody, headers: signatureHeaders(signedBody) },
  stripHeaders: [SIGNATURE_HEADER, TIMESTAMP_HEADER],
  staleRequest: { contentType: "application/json", body: signedBody, headers: signatureHeaders(signedBody, staleTimestamp) },
});

describe("sendgrid signatures", () => {
  const run = (body: Uint8Array, headers: Record<string, string>) =>
    normalize(sendgrid, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), { credentials: { publicKey }, now: NOW });

  it("a signature over any generated body verifies, and any single-byte change fails", () => {
    const batch = fc.constantFrom(...sendgrid.events).chain((name) => fc.array(rawEvent(name), { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(batch, fc.nat(), fc.integer({ min: 1, max: 255 }), (events, at, flip) => {
        const body = Buffer.from(wire(events));
        const headers = signatureHeaders(body);
        expect(run(body, headers).ok).toBe(true);
        const tampered = Buffer.from(body);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(run(tampered, headers)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("a signature made with another key fails", () => {
    const body = Buffer.from(wire([{ event: "delivered", timestamp: 1_700_000_000 }]));
    const otherKey = createPrivateKey(
      "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2\nOF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r\n1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G\n-----END PRIVATE KEY-----\n",
    );
    const signed = Buffer.concat([Buffer.from(TIMESTAMP), body]);
    const headers = { [SIGNATURE_HEADER]: sign("sha256", signed, { key: otherKey, dsaEncoding: "der" }).toString("base64"), [TIMESTAMP_HEADER]: TIMESTAMP };
    expect(run(body, headers)).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
  });

  it("refuses credentials whose key is not an EC public key", () => {
    expect(sendgrid.credentials.safeParse({ publicKey: "bm90IGEga2V5" }).success).toBe(false);
    expect(sendgrid.credentials.safeParse({ publicKey }).success).toBe(true);
    expect(sendgrid.credentials.safeParse({ username: "only-user" }).success).toBe(false);
    expect(sendgrid.credentials.safeParse({ publickey: publicKey }).success).toBe(false);
  });

  it("verifies with any key of a rotation list", () => {
    const body = Buffer.from(wire([{ event: "delivered", timestamp: 1_700_000_000 }]));
    const outcome = normalize(sendgrid, inboundRequest({ headers: { "content-type": "application/json", ...signatureHeaders(body) }, body }), {
      credentials: { publicKey: [OTHER_PUBLIC_KEY, publicKey] },
      now: NOW,
    });
    expect(outcome).toMatchObject({ ok: true, verified: true });
  });
});

describe("sendgrid custom arguments", () => {
  it("keeps every custom arg as text, a key __proto__ included, without touching a prototype", () => {
    const body = '[{"email":"a@example.com","timestamp":1768471200,"event":"delivered","sg_event_id":"e1","__proto__":{"polluted":1},"constructor":"c","plan":7,"unique_args":{"__proto__":"u","toString":"t"},"custom_args":{"flag":true,"":"empty","none":null}}]';
    const outcome = normalize(sendgrid, inboundRequest({ headers: { "content-type": "application/json" }, body }), { now: NOW });
    if (!outcome.ok) throw new Error(outcome.error.message);
    const metadata = outcome.results[0]!.details!.metadata!;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.entries(metadata)).toEqual([
      ["__proto__", "u"],
      ["constructor", "c"],
      ["plan", "7"],
      ["toString", "t"],
      ["flag", "true"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("sendgrid message ids", () => {
  const run = (events: readonly unknown[]) => {
    const outcome = normalize(sendgrid, inboundRequest({ headers: { "content-type": "application/json" }, body: wire(events) }), { now: NOW });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.results;
  };
  const event = (extra: Record<string, unknown>) => ({ email: "a@example.com", timestamp: 1768471200, event: "delivered", ...extra });

  it("cut at the first .filter or .recvd, as X-Message-Id is", () => {
    const suffix = fc.constantFrom(".filter0001.16648.5515E0B88.0", ".recvd-5f6d.12.0", ".filter1.recvd2", ".recvd1.filter2", "", ".filtered", ".x");
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z_-]{1,12}$/), suffix, (head, tail) => {
        const id = `${head}${tail}`;
        expect(run([event({ sg_message_id: id })])[0]!.event.externalId).toBe(id.replace(/\.(?:filter|recvd).*$/s, ""));
      }),
    );
  });

  it("each event of a batch is read from its own fields", () => {
    const results = run([
      event({ sg_event_id: "e1", sg_message_id: "m1.filter1", plan: "a" }),
      event({ sg_event_id: "e2", "smtp-id": "<m2@ismtpd>", event: "bounce", reason: "550 5.1.1 unknown" }),
      event({ sg_event_id: "e3", sg_message_id: "m3", attempt: "2", event: "deferred" }),
    ]);
    expect(results.map((r) => [r.id, r.event.status, r.event.externalId, r.event.attempts, r.details?.metadata, r.details?.smtpCode])).toEqual([
      ["e1", "delivered", "m1", undefined, { plan: "a" }, undefined],
      ["e2", "bounced", "m2@ismtpd", undefined, undefined, "550"],
      ["e3", "deferred", "m3", 2, undefined, undefined],
    ]);
  });
});
