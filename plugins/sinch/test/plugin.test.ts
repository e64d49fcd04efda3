import { createHmac } from "node:crypto";
import fc from "fast-check";
import { rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import {
  ALGORITHM_HEADER,
  BATCH_REPORT_TYPES,
  DELIVERY_STATUS,
  EVENTS,
  INBOUND_TYPES,
  NONCE_HEADER,
  RECIPIENT_REPORT_TYPES,
  SIGNATURE_HEADER,
  sinch,
  TIMESTAMP_HEADER,
  WINDOW_SECONDS,
} from "../src/index.js";

const SECRET = "tidings-sinch-test-callback-secret";
const PREVIOUS = "tidings-sinch-previous-callback-secret";
const NOW = new Date("2026-01-15T10:00:00.000Z");
const TIMESTAMP = String(Math.floor(NOW.getTime() / 1000) - 30);

function signatureHeaders(body: string | Uint8Array, { timestamp = TIMESTAMP, nonce = "01JHFFHWYY7HSS4FWTMDTQEK8V", key = SECRET } = {}): Record<string, string> {
  const signature = createHmac("sha256", key).update(body).update(`.${nonce}.${timestamp}`).digest("base64");
  return { [SIGNATURE_HEADER]: signature, [ALGORITHM_HEADER]: "HmacSHA256", [NONCE_HEADER]: nonce, [TIMESTAMP_HEADER]: timestamp };
}

const anyCase = (value: string) => fc.constantFrom(value, value.toUpperCase(), value[0]!.toUpperCase() + value.slice(1));
const phone = fc.stringMatching(/^\+?[1-9]\d{7,13}$/);
const batchId = fc.stringMatching(/^01[0-9A-HJKMNP-TV-Z]{24}$/);
const instant = fc.date({ min: new Date("2019-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }).map((d) => d.toISOString());

/** A per-recipient report as the SDKs type it (`RecipientDeliveryReport`), with `status` and `type` given. */
function recipientReport(type: fc.Arbitrary<string>, status: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      type,
      status,
      batch_id: batchId,
      recipient: phone,
      code: fc.constantFrom(0, 400, 401, 402, 406, 412, 418, 34),
      at: instant,
      operator_status_at: instant,
      client_reference: fc.string({ maxLength: 20 }),
      operator: fc.constantFrom("311071", "operator"),
      applied_originator: fc.string({ maxLength: 12 }),
      encoding: fc.constantFrom("GSM", "UNICODE"),
      number_of_message_parts: fc.nat(10),
    },
    { requiredKeys: ["type", "status", "batch_id", "recipient", "code", "at"] },
  );
}

const batchReport = (type: string) =>
  fc.record({
    type: anyCase(type),
    batch_id: batchId,
    statuses: fc.array(fc.record({ code: fc.constantFrom(0, 402), count: fc.nat(5), recipients: fc.array(phone, { maxLength: 3 }), status: fc.constantFrom("Delivered", "Aborted") }), { maxLength: 3 }),
    total_message_count: fc.nat(10),
  });

const inbound = (type: string) =>
  fc.record({ id: batchId, type: anyCase(type), from: phone, to: phone, body: fc.string({ maxLength: 30 }), received_at: instant });

/** A callback named `name`: documented (`recipient_delivery_report_sms:delivered`, `mo_text`) or any other text. */
function callback(name: string): fc.Arbitrary<Record<string, unknown>> {
  if ((BATCH_REPORT_TYPES as readonly string[]).includes(name)) return batchReport(name);
  if ((INBOUND_TYPES as readonly string[]).includes(name)) return inbound(name);
  const refined = /^([a-z_]+):([a-z]+)$/.exec(name);
  if (refined !== null && (EVENTS as readonly string[]).includes(name)) return recipientReport(anyCase(refined[1]!), anyCase(refined[2]!));
  // An unknown name arrives as an unknown type, or as a per-recipient report's unknown status.
  return fc.oneof(
    recipientReport(fc.constant(name), fc.constant("Delivered")),
    recipientReport(fc.constantFrom(...RECIPIENT_REPORT_TYPES), fc.constant(name)),
  );
}

/** Sinch's call: one JSON object per POST, signed with the current or (mid-rotation) the previous secret. */
function sinchRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc.record({ report: callback(name), key: fc.constantFrom(SECRET, PREVIOUS), nonce: fc.stringMatching(/^[0-9A-Z]{26}$/) }).map(({ report, key, nonce }) => {
    const body = JSON.stringify(report);
    return { contentType: "application/json", body, headers: signatureHeaders(body, { key, nonce }) };
  });
}

testPlugin({ plugin: sinch, credentials: { signingKey: [PREVIOUS, SECRET] }, now: NOW, requestFor: sinchRequest });

const SIGNED_BODY = JSON.stringify({
  at: "2026-01-15T09:59:20.914Z",
  batch_id: "01JHFFHQ0P99JPPNQPJDV7JTBP",
  code: 0,
  recipient: "33662162466",
  status: "Delivered",
  type: "recipient_delivery_report_sms",
});

testSignatures({
  plugin: sinch,
  credentials: { signingKey: SECRET },
  wrongCredentials: { signingKey: PREVIOUS },
  now: NOW,
  validRequest: { contentType: "application/json", body: SIGNED_BODY, headers: signatureHeaders(SIGNED_BODY) },
  stripHeaders: [SIGNATURE_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, ALGORITHM_HEADER],
  staleRequest: { contentType: "application/json", body: SIGNED_BODY, headers: signatureHeaders(SIGNED_BODY, { timestamp: String(Number(TIMESTAMP) - WINDOW_SECONDS - 1) }) },
});

const report = (fields: Record<string, unknown> = {}) => ({
  type: "recipient_delivery_report_sms",
  batch_id: "01FC66621XXXXX119Z8PMV1QPQ",
  recipient: "+44231235674",
  code: 0,
  status: "Delivered",
  at: "2022-08-30T08:16:08.930Z",
  ...fields,
});
const run = (raw: unknown) => normalize(sinch, inboundRequest({ headers: { "content-type": "application/json" }, body: typeof raw === "string" ? raw : JSON.stringify(raw) }), { now: NOW });
const only = (raw: unknown) => {
  const outcome = run(raw);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};
const result = (fields: Record<string, unknown>) => only(report(fields)).results[0];

describe("sinch mapping", () => {
  it("maps every documented status the same for SMS and MMS reports, whatever its case", () => {
    const documented = ["Queued", "Dispatched", "Aborted", "Cancelled", "Rejected", "Deleted", "Delivered", "Failed", "Expired", "Unknown"];
    expect(Object.keys(DELIVERY_STATUS)).toEqual(documented.map((s) => s.toLowerCase()));
    const expected = ["queued", "sent", "failed", "dropped", "undelivered", "undelivered", "delivered", "undelivered", "failed", "sent"];
    for (const type of [...RECIPIENT_REPORT_TYPES, "RECIPIENT_DELIVERY_REPORT_SMS"]) {
      for (const spelling of [(s: string) => s, (s: string) => s.toUpperCase()]) {
        expect(documented.map((status) => result({ type, status: spelling(status) })?.event.status)).toEqual(expected);
      }
    }
  });

  it("keeps batch summaries and inbound messages as ignored, with the reason", () => {
    const summary = only({ type: "delivery_report_sms", batch_id: "01FC66621XXXXX119Z8PMV1QPQ", statuses: [{ code: 0, count: 1, status: "Delivered" }], total_message_count: 1 });
    expect(summary).toMatchObject({ results: [], unmapped: [], ignored: [{ name: "delivery_report_sms" }] });
    expect(summary.ignored[0]?.reason).toMatch(/per_recipient/);
    expect(only({ type: "DELIVERY_REPORT_MMS", batch_id: "x", statuses: [] })).toMatchObject({ results: [], ignored: [{ name: "delivery_report_mms" }] });
    for (const type of INBOUND_TYPES) expect(only({ type, id: "01XXXXX21XXXXX119Z8P1XXXXX", from: "16051234567" })).toMatchObject({ results: [], ignored: [{ name: type }] });
  });

  it("leaves unknown types and statuses unmapped under their names, and a report without status or time invalid", () => {
    expect(only(report({ status: "CUSTOM_STATUS" }))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "recipient_delivery_report_sms:custom_status" }] });
    expect(only(report({ type: "mo_voice" }))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "mo_voice" }] });
    for (const broken of [report({ status: undefined }), report({ status: 7 }), report({ type: undefined }), [report()], "null"]) {
      expect(only(broken)).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    }
    for (const at of [undefined, 1661847368, "yesterday"]) expect(only(report({ at }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("sinch readers", () => {
  it("dates a report by `at`, not the operator's minute-precise time, and names the batch as the message", () => {
    const delivered = result({ at: "2025-01-13T09:22:40.914Z", operator_status_at: "2025-01-13T09:22:00Z" });
    expect(delivered?.event).toMatchObject({ date: "2025-01-13T09:22:40.914Z", externalId: "01FC66621XXXXX119Z8PMV1QPQ" });
    expect(delivered?.details).toEqual({ recipient: "+44231235674" });
  });

  it("writes a REST API code with its documented name and meaning, a network's code by number, and no code 0", () => {
    expect(result({ status: "Aborted", code: 412 })).toMatchObject({
      event: { response: "412 Unprovisioned region" },
      details: { description: "SMSC rejected the message. The account hasn't been provisioned for this region." },
    });
    const network = result({ status: "Failed", code: 34 });
    expect(network?.event.response).toBe("code 34");
    expect(network?.details?.description).toBeUndefined();
    expect(result({ code: 0 })?.event).not.toHaveProperty("response");
    for (const code of [-1, "412", "4.5", null]) expect(result({ status: "Aborted", code })?.event.response).toBe(code === "412" ? "412 Unprovisioned region" : undefined);
  });

  it("says a message timed out when it Expired or was Aborted by Internal Expiry, and not otherwise", () => {
    expect(result({ status: "Expired", code: 0 })?.details?.rejectReason).toBe("timed_out");
    expect(result({ status: "Aborted", code: 406 })?.details?.rejectReason).toBe("timed_out");
    expect(result({ status: "Aborted", code: 402 })?.details?.rejectReason).toBeUndefined();
    expect(result({ status: "Failed", code: 406 + 1 })?.details?.rejectReason).toBeUndefined();
  });

  it("keeps the sender's client_reference as metadata, as a plain key", () => {
    expect(result({ client_reference: "order-1234" })?.details?.metadata).toEqual({ client_reference: "order-1234" });
    expect(result({ client_reference: "" })?.details).not.toHaveProperty("metadata");
    expect(result({ client_reference: "x".repeat(9000) })?.details).not.toHaveProperty("metadata");
  });

  it("hashes a report for its id: the same on re-delivery, different per status", () => {
    const first = only(report()).results[0]!;
    expect(first.id).toBe(rowHash(JSON.stringify(report())));
    expect(only(report()).results[0]!.id).toBe(first.id);
    expect(only(report({ status: "Dispatched" })).results[0]!.id).not.toBe(first.id);
  });
});

describe("sinch verification", () => {
  const verify = (credentials: unknown, body: string, headers: Record<string, string>, now = NOW) =>
    normalize(sinch, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
      credentials: credentials === undefined ? undefined : sinch.credentials.parse(credentials),
      now,
    });
  const body = SIGNED_BODY;

  it("verifies the official Node SDK's SMS test vector", () => {
    const vector =
      '{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}';
    const headers = {
      [SIGNATURE_HEADER]: "ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0=",
      [ALGORITHM_HEADER]: "HmacSHA256",
      [NONCE_HEADER]: "01JHFFHWYY7HSS4FWTMDTQEK8V",
      [TIMESTAMP_HEADER]: "1736760161",
    };
    expect(verify({ signingKey: "SMSWebhooksSecret" }, vector, headers, new Date("2025-01-13T09:22:45Z"))).toMatchObject({ ok: true, verified: true });
  });

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(verify(undefined, body, {})).toMatchObject({ ok: true, verified: false });
  });

  it("signs `body.nonce.timestamp`: without the dots, or with nonce and timestamp swapped, it fails", () => {
    const headers = signatureHeaders(body);
    const sign = (data: string) => createHmac("sha256", SECRET).update(data).digest("base64");
    const nonce = headers[NONCE_HEADER]!;
    for (const data of [`${body}${nonce}${TIMESTAMP}`, `${body}.${TIMESTAMP}.${nonce}`, `${nonce}.${TIMESTAMP}.${body}`]) {
      expect(verify({ signingKey: SECRET }, body, { ...headers, [SIGNATURE_HEADER]: sign(data) })).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
    }
    expect(verify({ signingKey: SECRET }, body, { ...headers, [NONCE_HEADER]: `${nonce}X` })).toMatchObject({ ok: false, error: { location: SIGNATURE_HEADER } });
    expect(verify({ signingKey: SECRET }, body, headers)).toMatchObject({ ok: true, verified: true });
  });

  it("accepts HmacSHA256 in any case and refuses any other algorithm", () => {
    const headers = signatureHeaders(body);
    expect(verify({ signingKey: SECRET }, body, { ...headers, [ALGORITHM_HEADER]: "HMACSHA256" })).toMatchObject({ ok: true, verified: true });
    for (const algorithm of ["HmacSHA1", "HmacSHA512", "sha256", ""]) {
      expect(verify({ signingKey: SECRET }, body, { ...headers, [ALGORITHM_HEADER]: algorithm })).toMatchObject({ ok: false, error: { code: "unauthorized", location: ALGORITHM_HEADER } });
    }
  });

  it("holds the timestamp to 24 h back (Sinch's retry schedule) and 300 s ahead", () => {
    const at = (offset: number) => verify({ signingKey: SECRET }, body, signatureHeaders(body, { timestamp: String(Math.floor(NOW.getTime() / 1000) + offset) }));
    expect(WINDOW_SECONDS).toBe(86_400);
    expect(at(-86_400)).toMatchObject({ ok: true, verified: true });
    expect(at(300)).toMatchObject({ ok: true, verified: true });
    expect(at(-86_401)).toMatchObject({ ok: false, error: { code: "unauthorized", location: TIMESTAMP_HEADER } });
    expect(at(301)).toMatchObject({ ok: false, error: { code: "unauthorized", location: TIMESTAMP_HEADER } });
  });

  it("refuses malformed headers rather than throwing, naming the header at fault", () => {
    const headers = signatureHeaders(body);
    const { [NONCE_HEADER]: _nonce, ...withoutNonce } = headers;
    expect(verify({ signingKey: SECRET }, body, withoutNonce)).toMatchObject({ ok: false, error: { code: "unauthorized", location: NONCE_HEADER } });
    for (const broken of [
      { ...headers, [TIMESTAMP_HEADER]: "2026-01-15T09:59:30Z" },
      { ...headers, [TIMESTAMP_HEADER]: "" },
      { ...headers, [TIMESTAMP_HEADER]: `${TIMESTAMP}000` },
      { ...headers, [NONCE_HEADER]: "" },
      { ...headers, [SIGNATURE_HEADER]: "not base64!" },
      { ...headers, [SIGNATURE_HEADER]: Buffer.alloc(31).toString("base64") },
      { ...headers, [SIGNATURE_HEADER]: "A".repeat(5000) },
    ]) {
      expect(verify({ signingKey: SECRET }, body, broken)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("a signature over any generated body verifies, and any single-byte change fails", () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS).chain(callback), fc.nat(), fc.integer({ min: 1, max: 255 }), (raw, at, flip) => {
        const bytes = Buffer.from(JSON.stringify(raw));
        const headers = signatureHeaders(bytes);
        const request = (b: Uint8Array) => inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: b });
        const credentials = sinch.credentials.parse({ signingKey: SECRET });
        expect(normalize(sinch, request(bytes), { credentials, now: NOW }).ok).toBe(true);
        const tampered = Buffer.from(bytes);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(normalize(sinch, request(tampered), { credentials, now: NOW })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("takes the shared credential vocabulary: a secret or a list, basic auth, both; nothing misspelled", () => {
    const accepts = (credentials: unknown) => sinch.credentials.safeParse(credentials).success;
    expect(accepts({ signingKey: SECRET })).toBe(true);
    expect(accepts({ signingKey: [PREVIOUS, SECRET] })).toBe(true);
    expect(accepts({ username: "u", password: "p" })).toBe(true);
    expect(accepts({ signingKey: SECRET, username: "u", password: "p" })).toBe(true);
    expect(accepts({ signingKey: "" })).toBe(false);
    expect(accepts({ secret: SECRET })).toBe(false);
    expect(accepts({ username: "only-user" })).toBe(false);
  });
});

describe("sinch fixtures", () => {
  const registry = new PluginRegistry([sinch]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/sinch/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const outcome = await runFixture(loaded, registry);
      expect(outcome.problems).toEqual([]);
    });
  }
});
