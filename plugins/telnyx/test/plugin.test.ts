import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { EVENTS, RECIPIENT_STATUS, SIGNATURE_HEADER, telnyx, TIMESTAMP_HEADER } from "../src/index.js";

const keys = new URL("../../../fixtures/telnyx/keys/", import.meta.url);
const privateKey = (name: string) => createPrivateKey(readFileSync(new URL(`${name}-private.pem`, keys), "utf8"));
const publicKey = (name: string) => readFileSync(new URL(`${name}-public.txt`, keys), "utf8").trim();
const CURRENT = publicKey("current");
const PREVIOUS = publicKey("previous");
const CURRENT_PRIVATE = privateKey("current");
const PREVIOUS_PRIVATE = privateKey("previous");

const NOW = new Date("2026-01-15T10:00:00.000Z");
const TIMESTAMP = String(Math.floor(NOW.getTime() / 1000) - 30);

function signatureHeaders(body: string | Uint8Array, timestamp = TIMESTAMP, key: KeyObject = CURRENT_PRIVATE): Record<string, string> {
  const signed = Buffer.concat([Buffer.from(`${timestamp}|`), Buffer.from(body)]);
  return { [SIGNATURE_HEADER]: sign(null, signed, key).toString("base64"), [TIMESTAMP_HEADER]: timestamp };
}

const anyCase = (value: string) => fc.constantFrom(value, value.toUpperCase());

const recipientEntry = (status: fc.Arbitrary<string>) =>
  fc.record(
    {
      phone_number: fc.stringMatching(/^\+1[2-9]\d{9}$/),
      status,
      carrier: fc.constantFrom("T-MOBILE USA, INC.", "Telnyx", ""),
      line_type: fc.constantFrom("Wireless", "VoIP", ""),
    },
    { requiredKeys: ["phone_number", "status"] },
  );

const messagingError = fc.record(
  {
    code: fc.constantFrom("40300", "40008", "40005", 40001),
    title: fc.string({ maxLength: 30 }),
    detail: fc.string({ maxLength: 40 }),
    source: fc.record({ pointer: fc.constantFrom("/to/0/phone_number", "/to/1", "/to/2/phone_number", "/from", "") }),
  },
  { requiredKeys: [] },
);

/** A Telnyx API v2 event: `event_type`, the event id, its time, and the message as the payload. */
function envelope(eventType: fc.Arbitrary<string>, direction: string, to: fc.Arbitrary<unknown[]>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      eventType,
      id: fc.uuid(),
      at: fc.date({ min: new Date("2019-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
      messageId: fc.uuid(),
      to,
      errors: fc.array(messagingError, { maxLength: 3 }),
      tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    })
    .map(({ eventType, id, at, messageId, to, errors, tags }) => ({
      data: {
        event_type: eventType,
        id,
        occurred_at: at.toISOString().replace("Z", "+00:00"),
        payload: { direction, errors, from: { phone_number: "+13125550001" }, id: messageId, tags, text: "Hello there!", to, type: "SMS" },
        record_type: "event",
      },
      meta: { attempt: 1, delivered_to: "https://example.com/webhooks" },
    }));
}

const recipients = (status: fc.Arbitrary<string>) =>
  fc.uniqueArray(recipientEntry(status), { minLength: 1, maxLength: 4, selector: (entry) => entry.phone_number });

/** An event named `name`: documented (`message.finalized:delivered`, `message.received`) or any other text. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name === "message.received") {
    return envelope(anyCase(name), "inbound", fc.constant([{ phone_number: "+13125550001", status: "webhook_delivered" }]));
  }
  const refined = /^(message\.[a-z]+):(.+)$/.exec(name);
  if (refined !== null && (EVENTS as readonly string[]).includes(name)) {
    return envelope(anyCase(refined[1]!), "outbound", recipients(anyCase(refined[2]!)));
  }
  // An unknown name arrives as an unknown event type, or as an unknown recipient status.
  return fc.oneof(envelope(fc.constant(name), "outbound", recipients(fc.constant("queued"))), envelope(fc.constant("message.finalized"), "outbound", recipients(fc.constant(name))));
}

/** Telnyx's call: one JSON event per POST, signed with the current or (mid-rotation) the previous key. */
function telnyxRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc.record({ event: rawEvent(name), key: fc.constantFrom(CURRENT_PRIVATE, PREVIOUS_PRIVATE) }).map(({ event, key }) => {
    const body = JSON.stringify(event);
    return { contentType: "application/json", body, headers: signatureHeaders(body, TIMESTAMP, key) };
  });
}

testPlugin({ plugin: telnyx, credentials: { publicKey: [PREVIOUS, CURRENT] }, now: NOW, requestFor: telnyxRequest });

const SIGNED_BODY = JSON.stringify({
  data: {
    event_type: "message.finalized",
    id: "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be",
    occurred_at: "2026-01-15T09:59:29.148+00:00",
    payload: { id: "ac012cbf-5e09-46af-a69a-7c0e2d90993c", to: [{ phone_number: "+13125550002", status: "delivered" }] },
  },
});

testSignatures({
  plugin: telnyx,
  credentials: { publicKey: CURRENT },
  wrongCredentials: { publicKey: PREVIOUS },
  now: NOW,
  validRequest: { contentType: "application/json", body: SIGNED_BODY, headers: signatureHeaders(SIGNED_BODY) },
  stripHeaders: [SIGNATURE_HEADER, TIMESTAMP_HEADER],
  staleRequest: { contentType: "application/json", body: SIGNED_BODY, headers: signatureHeaders(SIGNED_BODY, String(Number(TIMESTAMP) - 301)) },
});

const MESSAGE_ID = "ac012cbf-5e09-46af-a69a-7c0e2d90993c";
const EVENT_ID = "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be";
const event = (eventType: string, payload: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  data: { event_type: eventType, id: EVENT_ID, occurred_at: "2024-01-15T21:32:14.148+00:00", payload: { id: MESSAGE_ID, errors: [], ...payload }, record_type: "event", ...data },
});
const to = (...entries: [string, string][]) => entries.map(([phone_number, status]) => ({ phone_number, status }));
const run = (raw: unknown) => normalize(telnyx, inboundRequest({ headers: { "content-type": "application/json" }, body: typeof raw === "string" ? raw : JSON.stringify(raw) }), { now: NOW });
const only = (raw: unknown) => {
  const outcome = run(raw);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};

describe("telnyx mapping", () => {
  it("maps each recipient status the same whichever outbound event carries it", () => {
    for (const [status, expected] of Object.entries(RECIPIENT_STATUS)) {
      for (const type of ["message.sent", "message.finalized", "MESSAGE.FINALIZED"]) {
        expect(only(event(type, { to: to(["+13125550002", status.toUpperCase()]) })).results.map((r) => r.event.status)).toEqual([expected]);
      }
    }
  });

  it("keeps inbound messages as ignored, and an outbound event type with an unknown status as unmapped under its refined name", () => {
    expect(only(event("message.received", { direction: "inbound", to: to(["+13125550001", "webhook_delivered"]) }))).toMatchObject({ results: [], ignored: [{ name: "message.received" }] });
    expect(only(event("message.finalized", { to: to(["+13125550002", "gw_timeout"]) }))).toMatchObject({
      results: [],
      unmapped: [{ code: "unknown_event", name: "message.finalized:gw_timeout" }],
    });
  });

  it("leaves an outbound event without a recipient status unmapped: no to[], an empty one, a recipient without status", () => {
    for (const payload of [{}, { to: [] }, { to: [{ phone_number: "+13125550002" }] }, { to: "+13125550002" }]) {
      expect(only(event("message.finalized", payload))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    }
  });
});

describe("telnyx recipients", () => {
  const groupTo = to(["+15559876543", "delivered"], ["+15558765432", "delivery_failed"], ["+15557654321", "unknown"]);
  const group = event("message.finalized", {
    to: groupTo,
    errors: [
      { code: "40008", title: "Undeliverable", source: { pointer: "/to/1/phone_number" } },
      { code: "40300", title: "Destination number unreachable", source: { pointer: "/to/10/phone_number" } },
      { title: "Applies to every recipient" },
    ],
  });

  it("gives one result per recipient, each with its own status, id and recipient", () => {
    const { results } = only(group);
    expect(results.map((r) => [r.id, r.event.status, r.event.externalId, r.details?.recipient])).toEqual([
      [`${EVENT_ID}#+15559876543`, "delivered", MESSAGE_ID, "+15559876543"],
      [`${EVENT_ID}#+15558765432`, "undelivered", MESSAGE_ID, "+15558765432"],
      [`${EVENT_ID}#+15557654321`, "sent", MESSAGE_ID, "+15557654321"],
    ]);
  });

  it("gives an error that points at one recipient to that recipient only (/to/10 is not /to/1)", () => {
    expect(only(group).results.map((r) => r.event.response)).toEqual([
      "Applies to every recipient",
      "40008: Undeliverable; Applies to every recipient",
      "Applies to every recipient",
    ]);
    const eight = event("message.finalized", {
      to: to(...Array.from({ length: 8 }, (_, i): [string, string] => [`+1312555000${i}`, "delivery_failed"])),
      errors: [
        { code: "40300", title: "Destination number unreachable", source: { pointer: "/to/10/phone_number" } },
        { code: "40008", title: "Undeliverable", source: { pointer: "/to/7" } },
      ],
    });
    expect(only(eight).results.map((r) => r.details?.description)).toEqual([...Array(7).fill(undefined), "40008: Undeliverable"]);
  });

  it("keeps each recipient's row to its own to[] entry, and a single recipient's row as received", () => {
    const rows = only(group).results.map((r) => JSON.parse(r.event.row!) as { data: { payload: { to: unknown[]; errors: unknown[] } } });
    expect(rows.map((row) => row.data.payload.to)).toEqual(groupTo.map((entry) => [entry]));
    expect(rows.every((row) => row.data.payload.errors.length === 3)).toBe(true);
    const text = `${JSON.stringify(event("message.sent", { to: to(["+13125550002", "sent"]) }), null, 2)}\n`;
    expect(only(text).results[0]?.event.row).toBe(text.trim());
  });

  it("copies prototype keys in a fanned-out event as plain keys, polluting nothing", () => {
    const text = JSON.stringify(event("message.finalized", { to: to(["+15559876543", "delivered"], ["+15558765432", "delivered"]) })).replace(
      '"payload":{',
      '"payload":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
    );
    const { results } = only(text);
    expect(results.map((r) => r.event.status)).toEqual(["delivered", "delivered"]);
    expect(Object.keys((JSON.parse(results[0]!.event.row!) as { data: { payload: object } }).data.payload)).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names a recipient without a phone number by its position, and an event without an id is hashed", () => {
    const numberless = event("message.finalized", { to: [{ status: "delivered" }, { status: "delivered" }] });
    expect(only(numberless).results.map((r) => r.id)).toEqual([`${EVENT_ID}#0`, `${EVENT_ID}#1`]);
    const idless = event("message.finalized", { to: to(["+13125550002", "delivered"]) }, { id: undefined });
    expect(only(idless).results[0]?.id).toBe(rowHash(JSON.stringify(idless)));
  });

  it("keeps an event listing more recipients than Telnyx allows whole, as one unmapped event, instead of copying it per entry", () => {
    const nine = event("message.finalized", { to: to(...Array.from({ length: 9 }, (_, i): [string, string] => [`+1312555000${i}`, "delivered"])) });
    expect(only(nine)).toMatchObject({ results: [], ignored: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(nine).unmapped).toHaveLength(1);
  });

  it("keeps the event id as it is for events about no recipient", () => {
    expect(only(event("message.received", { to: to(["+13125550001", "webhook_delivered"]) })).ignored[0]?.id).toBe(EVENT_ID);
  });
});

describe("telnyx readers", () => {
  const failed = (errors: unknown[], status = "delivery_failed") => only(event("message.finalized", { to: to(["+13125550002", status]), errors })).results[0];

  it("writes each error as `code: title — detail`, whatever parts it has, joined by `; `", () => {
    expect(failed([{ code: "40300", title: "Destination number unreachable", detail: "Not reachable." }])?.event.response).toBe("40300: Destination number unreachable — Not reachable.");
    expect(failed([{ code: 40001 }, { title: "Only a title" }, { detail: "Only a detail" }, {}, "not an error"])?.event.response).toBe("40001; Only a title; Only a detail");
    expect(failed([])?.event).not.toHaveProperty("response");
    expect(failed([])?.details?.description).toBeUndefined();
  });

  it("says an expired message timed out, and nothing else does", () => {
    expect(failed([], "expired")?.details?.rejectReason).toBe("timed_out");
    expect(failed([], "delivery_failed")?.details?.rejectReason).toBeUndefined();
  });

  it("dates the event by data.occurred_at, and leaves an event without it unmapped", () => {
    expect(failed([])?.event.date).toBe("2024-01-15T21:32:14.148Z");
    expect(only(event("message.finalized", { to: to(["+13125550002", "delivered"]) }, { occurred_at: undefined }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(only(event("message.finalized", { to: to(["+13125550002", "delivered"]) }, { occurred_at: 1705354334 }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("reads tags as tags and the message id from the payload, not the event", () => {
    const result = only(event("message.sent", { to: to(["+13125550002", "sent"]), tags: ["Greetings", "", 7] })).results[0];
    expect(result?.details?.tags).toEqual(["Greetings", "7"]);
    expect(result?.event.externalId).toBe(MESSAGE_ID);
  });
});

describe("telnyx verification", () => {
  const verify = (credentials: unknown, body: string, headers: Record<string, string>, now = NOW) =>
    normalize(telnyx, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
      credentials: credentials === undefined ? undefined : telnyx.credentials.parse(credentials),
      now,
    });
  const body = JSON.stringify(event("message.finalized", { to: to(["+13125550002", "delivered"]) }));

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(verify(undefined, body, {})).toMatchObject({ ok: true, verified: false });
  });

  it("signs `timestamp|body`: the same signature without the separator, or over another timestamp, fails", () => {
    const withoutSeparator = sign(null, Buffer.from(`${TIMESTAMP}${body}`), CURRENT_PRIVATE).toString("base64");
    expect(verify({ publicKey: CURRENT }, body, { [SIGNATURE_HEADER]: withoutSeparator, [TIMESTAMP_HEADER]: TIMESTAMP })).toMatchObject({
      ok: false,
      error: { code: "unauthorized", location: SIGNATURE_HEADER },
    });
    const headers = signatureHeaders(body);
    expect(verify({ publicKey: CURRENT }, body, { ...headers, [TIMESTAMP_HEADER]: String(Number(TIMESTAMP) - 1) })).toMatchObject({ ok: false, error: { location: SIGNATURE_HEADER } });
    expect(verify({ publicKey: CURRENT }, body, headers)).toMatchObject({ ok: true, verified: true });
  });

  it("holds the timestamp to 300 s either way, as the SDK does", () => {
    const at = (offset: number) => verify({ publicKey: CURRENT }, body, signatureHeaders(body, String(Math.floor(NOW.getTime() / 1000) + offset)));
    expect(at(-300)).toMatchObject({ ok: true, verified: true });
    expect(at(300)).toMatchObject({ ok: true, verified: true });
    expect(at(-301)).toMatchObject({ ok: false, error: { code: "unauthorized", location: TIMESTAMP_HEADER } });
    expect(at(301)).toMatchObject({ ok: false, error: { code: "unauthorized", location: TIMESTAMP_HEADER } });
  });

  it("refuses malformed headers rather than throwing", () => {
    const headers = signatureHeaders(body);
    for (const broken of [
      { ...headers, [TIMESTAMP_HEADER]: "yesterday" },
      { ...headers, [TIMESTAMP_HEADER]: "" },
      { ...headers, [SIGNATURE_HEADER]: "not base64!" },
      { ...headers, [SIGNATURE_HEADER]: Buffer.alloc(63).toString("base64") },
      { ...headers, [SIGNATURE_HEADER]: "A".repeat(5000) },
    ]) {
      expect(verify({ publicKey: CURRENT }, body, broken)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("a signature over any generated body verifies, and any single-byte change fails", () => {
    const name = fc.constantFrom(...EVENTS);
    fc.assert(
      fc.property(name.chain(rawEvent), fc.nat(), fc.integer({ min: 1, max: 255 }), (raw, at, flip) => {
        const bytes = Buffer.from(JSON.stringify(raw));
        const headers = signatureHeaders(bytes);
        const request = (b: Uint8Array) => inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: b });
        expect(normalize(telnyx, request(bytes), { credentials: telnyx.credentials.parse({ publicKey: CURRENT }), now: NOW }).ok).toBe(true);
        const tampered = Buffer.from(bytes);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(normalize(telnyx, request(tampered), { credentials: telnyx.credentials.parse({ publicKey: CURRENT }), now: NOW })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("accepts Telnyx's raw base64 key, PEM, base64 DER and hex, alone or listed; refuses anything else", () => {
    const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" });
    const der = spki(createPublicKey(CURRENT_PRIVATE));
    const p256 = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey;
    const accepts = (publicKey: unknown) => telnyx.credentials.safeParse({ publicKey }).success;
    expect(accepts(CURRENT)).toBe(true);
    expect(accepts([PREVIOUS, CURRENT])).toBe(true);
    expect(accepts(Buffer.from(CURRENT, "base64").toString("hex"))).toBe(true);
    expect(accepts(der.toString("base64"))).toBe(true);
    expect(accepts(`-----BEGIN PUBLIC KEY-----\n${der.toString("base64")}\n-----END PUBLIC KEY-----\n`)).toBe(true);
    expect(accepts(Buffer.alloc(16, 1).toString("base64"))).toBe(false);
    expect(accepts(spki(p256).toString("base64"))).toBe(false);
    expect(accepts(readFileSync(new URL("current-private.pem", keys), "utf8"))).toBe(false);
    expect(accepts([CURRENT, "not a key"])).toBe(false);
    expect(telnyx.credentials.safeParse({ publickey: CURRENT }).success).toBe(false);
    expect(telnyx.credentials.safeParse({ publicKey: CURRENT, username: "only-user" }).success).toBe(false);
  });
});

describe("telnyx fixtures", () => {
  const registry = new PluginRegistry([telnyx]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/telnyx/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
