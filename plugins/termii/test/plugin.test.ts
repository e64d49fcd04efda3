import { createHmac } from "node:crypto";
import fc from "fast-check";
import { basicAuthHeader, inboundRequest, normalize } from "@tidings/core";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { EVENTS, SIGNATURE_HEADER, termii } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
/** Test secret keys, generated for these tests. */
const OLD_KEY = "tk_test_5b0f9c2e8a7d4e13b6c1f0a9d8e7c6b5";
const NEW_KEY = "tk_test_e41a7c9d2b6f4a08b3d5c7e9f1a2b4c6";
const CREDENTIALS = { signingKey: [OLD_KEY, NEW_KEY] };

const sign = (body: string | Uint8Array, key: string) => createHmac("sha512", key).update(body).digest("hex");
const signed = (body: string, key = NEW_KEY): SuiteRequest => ({ contentType: "application/json", body, headers: { [SIGNATURE_HEADER]: sign(body, key) } });

/** The webhook notification example of Termii's Events and Reports page (http://developer.termii.com/docs/events-and-reports/). */
const DOCUMENTED =
  '{"type":"outbound","message_id":"5964465985113503103","receiver":"2343459509389","sender":"N-Alert","message":"Your Termii confirmation code is 234u53.","sent_at":"2020-12-16 11:34:36","cost":"3.9","command":"deliver","status":"DELIVERED | Message delivered to handset","channel":"Number Api"}';

/** Each status as Termii's pages spell it; the payload example writes DELIVERED with its explanation. */
const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  delivered: ["Delivered", "DELIVERED", "DELIVERED | Message delivered to handset"],
  "message sent": ["Message Sent"],
  "message failed": ["Message Failed"],
  "dnd active on phone number": ["DND Active on Phone Number"],
  rejected: ["Rejected"],
  expired: ["Expired"],
  received: ["Received"],
};

const statusText = (name: string): fc.Arbitrary<string> => {
  const spellings = Object.hasOwn(SPELLINGS, name) ? SPELLINGS[name]! : [name];
  return fc.constantFrom(...spellings).chain((s) => (Object.hasOwn(SPELLINGS, name) ? fc.constantFrom(s, s.toUpperCase(), s.toLowerCase()) : fc.constant(s)));
};

const sentAt = fc
  .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 19).replace("T", " "));

/** A delivery report with Termii's documented fields, its status named `name`. */
function report(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    type: fc.constant("outbound"),
    id: fc.uuid(),
    message_id: fc.stringMatching(/^[1-9]\d{18}$/),
    receiver: fc.stringMatching(/^234[789]\d{9}$/),
    sender: fc.constantFrom("N-Alert", "Termii"),
    message: fc.string({ maxLength: 60 }),
    sent_at: sentAt,
    cost: fc.constantFrom("3.9", "4"),
    status: statusText(name),
    channel: fc.constantFrom("dnd", "generic", "whatsapp", "Number Api"),
  });
}

/** The device offline notification, exactly the documented shape. */
const deviceStatus = fc.record({
  type: fc.constant("device_status"),
  status: fc.constantFrom("disconnected", "connected"),
  device_id: fc.uuid(),
  name: fc.constant("TermiiWh"),
});

function termiiRequest(name: string): fc.Arbitrary<SuiteRequest> {
  const payload = name === "device_status" ? deviceStatus : report(name);
  return fc.record({ payload, key: fc.constantFrom(OLD_KEY, NEW_KEY) }).map(({ payload, key }) => signed(JSON.stringify(payload), key));
}

testPlugin({ plugin: termii, credentials: CREDENTIALS, now: NOW, requestFor: termiiRequest });

testSignatures({
  plugin: termii,
  credentials: CREDENTIALS,
  wrongCredentials: { signingKey: "tk_test_00000000000000000000000000000000" },
  now: NOW,
  validRequest: signed(DOCUMENTED),
  stripHeaders: [SIGNATURE_HEADER],
  exempt: {
    "a stale request is unauthorized":
      "Termii signs the payload only, with no time: a replay cannot be dated, and a replayed report hashes to the same result id",
  },
});

/** `credentials` null: the integration has none configured. */
const run = (body: string | Uint8Array, headers: Record<string, string> = {}, credentials: unknown = CREDENTIALS) =>
  normalize(termii, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
    credentials: credentials === null ? undefined : termii.credentials.parse(credentials),
    now: NOW,
  });

const runSigned = (payload: Record<string, unknown> | string) => {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return run(body, { [SIGNATURE_HEADER]: sign(body, NEW_KEY) });
};

const BASE = JSON.parse(DOCUMENTED) as Record<string, unknown>;
const withStatus = (status: unknown, extra: Record<string, unknown> = {}) => runSigned({ ...BASE, status, ...extra });

describe("termii readers", () => {
  it("reads the documented example: the message id, the receiver, sent_at in Lagos time, the status text", () => {
    expect(runSigned(DOCUMENTED)).toMatchObject({
      ok: true,
      verified: true,
      results: [
        {
          event: { status: "delivered", date: "2020-12-16T10:34:36.000Z", externalId: "5964465985113503103", response: "DELIVERED | Message delivered to handset" },
          details: { recipient: "2343459509389", description: "Message delivered to handset" },
        },
      ],
    });
  });

  it("takes message_id as the external id, never the request's id", () => {
    expect(withStatus("Message Sent", { id: "req-7d1c" })).toMatchObject({ results: [{ event: { status: "sent", externalId: "5964465985113503103" } }] });
    const { message_id: _dropped, ...withoutMessageId } = BASE;
    const outcome = runSigned({ ...withoutMessageId, id: "req-7d1c", status: "Message Sent" });
    expect(outcome).toMatchObject({ results: [{ event: { status: "sent" } }] });
    expect(outcome.ok && outcome.results[0]!.event).not.toHaveProperty("externalId");
  });

  it("keeps every digit of a message id sent as a JSON number beyond 2^53", () => {
    const body = DOCUMENTED.replace('"message_id":"5964465985113503103"', '"message_id":3017545711235443752697757');
    expect(runSigned(body)).toMatchObject({ results: [{ event: { externalId: "3017545711235443752697757" } }] });
  });

  it("names statuses case-insensitively, ignoring extra spaces and the explanation after |", () => {
    for (const status of ["delivered", "DELIVERED", " Delivered ", "DELIVERED|handset", "DELIVERED  |  Message delivered to handset"]) {
      expect(withStatus(status)).toMatchObject({ results: [{ event: { status: "delivered" } }] });
    }
    expect(withStatus("DND   Active on phone NUMBER")).toMatchObject({ results: [{ event: { status: "undelivered", response: "DND Active on phone NUMBER" } }] });
  });

  it("makes any whitespace run in the status one space: tabs, line breaks, no-break spaces, spaces at either end", () => {
    const spaced = "DELIVERED | Message delivered to handset";
    for (const status of ["\tDELIVERED | Message delivered to handset", "DELIVERED\u00a0| Message\ndelivered to handset", " DELIVERED | Message delivered to handset", "DELIVERED | Message delivered to handset\r\n"]) {
      expect(withStatus(status)).toMatchObject({ results: [{ event: { status: "delivered", response: spaced }, details: { description: "Message delivered to handset" } }] });
    }
  });

  it("gives do-not-disturb refusals the blocked reason, expiries timed_out, and other outcomes none", () => {
    expect(withStatus("DND Active on Phone Number")).toMatchObject({ results: [{ event: { status: "undelivered" }, details: { rejectReason: "blocked" } }] });
    expect(withStatus("Rejected")).toMatchObject({ results: [{ event: { status: "undelivered" }, details: { rejectReason: "blocked" } }] });
    expect(withStatus("Expired")).toMatchObject({ results: [{ event: { status: "undelivered" }, details: { rejectReason: "timed_out" } }] });
    expect(withStatus("Message Failed")).toMatchObject({ results: [{ event: { status: "undelivered", response: "Message Failed" } }] });
    for (const status of ["Message Failed", "Message Sent", "Delivered"]) {
      const outcome = withStatus(status);
      expect(outcome.ok && outcome.results[0]!.details).not.toHaveProperty("rejectReason");
    }
  });

  it("reads sent_at without a zone as +01:00 and keeps a zone it carries; without sent_at the report is unmapped", () => {
    expect(withStatus("Delivered", { sent_at: "2026-01-15 00:30:00" })).toMatchObject({ results: [{ event: { date: "2026-01-14T23:30:00.000Z" } }] });
    expect(withStatus("Delivered", { sent_at: "2026-01-15T00:30:00Z" })).toMatchObject({ results: [{ event: { date: "2026-01-15T00:30:00.000Z" } }] });
    expect(withStatus("Delivered", { sent_at: undefined })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("ignores the device notification whatever its status says, and inbound messages", () => {
    const device = { type: "device_status", status: "disconnected", device_id: "e0c5a9b-0136-4751-9be9-a3c9zzTc0a19", name: "TermiiWh" };
    expect(runSigned(device)).toMatchObject({ results: [], ignored: [{ name: "device_status" }], unmapped: [] });
    expect(runSigned({ ...device, status: "Delivered" })).toMatchObject({ results: [], ignored: [{ name: "device_status" }] });
    expect(withStatus("Received")).toMatchObject({ results: [], ignored: [{ name: "received" }] });
  });

  it("leaves statuses Termii does not document, and reports without a status, unmapped", () => {
    expect(withStatus("Successfully Sent")).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "successfully sent" }] });
    for (const status of [undefined, "", " | ", 42, ["Delivered"]]) {
      expect(withStatus(status)).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    }
  });

  it("leaves an over-long receiver out rather than losing the report", () => {
    const outcome = withStatus("DELIVERED | Message delivered to handset", { receiver: "9".repeat(2000) });
    expect(outcome).toMatchObject({ results: [{ event: { status: "delivered" }, details: { description: "Message delivered to handset" } }] });
    expect(outcome.ok && outcome.results[0]!.details).not.toHaveProperty("recipient");
  });
});

describe("termii signatures", () => {
  it("verifies the raw bytes, trailing newline included, and refuses the same JSON re-serialized", () => {
    const spaced = DOCUMENTED.replace(/,"/g, ', "');
    expect(run(spaced, { [SIGNATURE_HEADER]: sign(spaced, OLD_KEY) })).toMatchObject({ ok: true, verified: true });
    expect(run(JSON.stringify(JSON.parse(spaced)), { [SIGNATURE_HEADER]: sign(spaced, OLD_KEY) })).toMatchObject({
      ok: false,
      error: { code: "unauthorized", location: SIGNATURE_HEADER },
    });
    const newline = `${DOCUMENTED}\n`;
    expect(run(newline, { [SIGNATURE_HEADER]: sign(newline, OLD_KEY) })).toMatchObject({ ok: true, verified: true });
    expect(run(newline, { [SIGNATURE_HEADER]: sign(DOCUMENTED, OLD_KEY) })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("a signature over any generated report verifies, and any single-byte change fails", () => {
    const body = fc.constantFrom(...EVENTS).chain((name) => (name === "device_status" ? deviceStatus : report(name))).map((p) => JSON.stringify(p));
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 255 }), (text, at, flip) => {
        const bytes = Buffer.from(text);
        const headers = { [SIGNATURE_HEADER]: sign(bytes, OLD_KEY) };
        expect(run(bytes, headers)).toMatchObject({ ok: true, verified: true });
        const tampered = Buffer.from(bytes);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(run(tampered, headers)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("reads hex in either case and refuses what is not a hex SHA-512 digest", () => {
    expect(run(DOCUMENTED, { [SIGNATURE_HEADER]: sign(DOCUMENTED, NEW_KEY).toUpperCase() })).toMatchObject({ ok: true, verified: true });
    const base64 = createHmac("sha512", NEW_KEY).update(DOCUMENTED).digest("base64");
    const sha256 = createHmac("sha256", NEW_KEY).update(DOCUMENTED).digest("hex");
    for (const signature of [base64, sha256, sign(DOCUMENTED, NEW_KEY).slice(0, 126), `sha512=${sign(DOCUMENTED, NEW_KEY)}`, "", " "]) {
      expect(run(DOCUMENTED, { [SIGNATURE_HEADER]: signature })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("accepts basic auth alone when no secret key is configured, and refuses a wrong pair", () => {
    const credentials = { username: "termii", password: "hook-password" };
    expect(run(DOCUMENTED, { authorization: basicAuthHeader("termii", "hook-password") }, credentials)).toMatchObject({ ok: true, verified: true });
    expect(run(DOCUMENTED, { authorization: basicAuthHeader("termii", "wrong") }, credentials)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(DOCUMENTED, { [SIGNATURE_HEADER]: sign(DOCUMENTED, NEW_KEY) }, credentials)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("is unverified without credentials, and accepts only the shared credential fields", () => {
    expect(run(DOCUMENTED, {}, null)).toMatchObject({ ok: true, verified: false });
    expect(termii.credentials.safeParse({ signingKey: OLD_KEY }).success).toBe(true);
    expect(termii.credentials.safeParse({ signingKey: [] }).success).toBe(false);
    expect(termii.credentials.safeParse({ secretKey: OLD_KEY }).success).toBe(false);
    expect(termii.credentials.safeParse({ signingKey: OLD_KEY, username: "only-user" }).success).toBe(false);
  });
});
