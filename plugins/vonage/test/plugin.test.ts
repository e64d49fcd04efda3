import { createHash } from "node:crypto";
import fc from "fast-check";
import { basicAuthHeader, contentHash, rowHash, inboundRequest, normalize, PluginRegistry, type VerifyResult } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { DLR_ERRORS, signedText, vonage } from "../src/index.js";
import { jwt, messagesToken, signed, type Method } from "./signing.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
const NOW_S = NOW.getTime() / 1000;
/** The fixtures' test secrets (fixtures/vonage/keys/README.md). */
const SECRET = "tidings-vonage-signature-secret-1";
const OLD_SECRET = "tidings-vonage-signature-secret-0";
const OTHER_SECRET = "tidings-vonage-someone-else-0001";

const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase());
const when = fc.date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true });
/** How long ago Vonage signed: inside the 24-hour window, retries included. */
const age = fc.integer({ min: 0, max: 23 * 3600 });

/** A Messages API status of `status`, per the API reference's message-status schemas. */
function messagesStatus(status: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      message_uuid: fc.uuid(),
      to: fc.stringMatching(/^[1-9]\d{9,13}$/),
      from: fc.constantFrom("447700900001", "Vonage"),
      timestamp: when.map((d) => d.toISOString()),
      status: anyCase(status),
      channel: fc.constantFrom("sms", "mms", "rcs", "whatsapp", "messenger", "viber_service"),
      error: fc.record({
        type: fc.constant("https://developer.vonage.com/api-errors/messages#1000"),
        title: fc.constantFrom("1000", 1000, "1360"),
        detail: fc.string({ maxLength: 60 }),
        instance: fc.constant("bf0ca0bf927b3b52e3cb03217e1a1ddf"),
      }),
      usage: fc.record({ currency: fc.constant("EUR"), price: fc.constantFrom("0.0333", "0") }),
      client_ref: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: ["message_uuid", "to", "from", "timestamp", "status", "channel"] },
  );
}

const dlrTime = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");

/** An SMS API delivery receipt of `status`, per the SMS API reference's DeliveryReceipt, unsigned. */
function dlrParams(status: string): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    {
      msisdn: fc.stringMatching(/^[1-9]\d{9,13}$/),
      to: fc.constantFrom("AcmeInc", "Vonage CLI", "447700900001"),
      "network-code": fc.stringMatching(/^\d{5,6}$/),
      messageId: fc.stringMatching(/^[0-9A-F]{16}$/),
      price: fc.constantFrom("0.03330000", "0.00000000"),
      status: anyCase(status),
      scts: fc.stringMatching(/^\d{10}$/),
      "err-code": fc.constantFrom("0", ...DLR_ERRORS.keys(), "42"),
      "api-key": fc.constant("abcd1234"),
      // Free text, `&` and `=` included: the signature replaces them.
      "client-ref": fc.string({ maxLength: 40 }),
      "message-timestamp": when.map(dlrTime),
    },
    { requiredKeys: ["msisdn", "to", "messageId", "status", "err-code", "message-timestamp"] },
  );
}

function messagesRequest(status: string): fc.Arbitrary<SuiteRequest> {
  return fc.record({ event: messagesStatus(status), secret: fc.constantFrom(SECRET, OLD_SECRET), age }).map(({ event, secret, age }) => {
    const body = JSON.stringify(event);
    return { contentType: "application/json", body, headers: { authorization: `Bearer ${messagesToken(body, secret, NOW_S - age)}` } };
  });
}

function dlrRequest(status: string, method: Method = "md5hash"): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ params: dlrParams(status), secret: fc.constantFrom(SECRET, OLD_SECRET), age, nonce: fc.uuid(), json: fc.boolean() })
    .map(({ params, secret, age, nonce, json }) => {
      const receipt = signed({ ...params, timestamp: String(NOW_S - age), nonce }, secret, method);
      return json
        ? { contentType: "application/json", body: JSON.stringify(receipt) }
        : { contentType: "application/x-www-form-urlencoded", body: new URLSearchParams(receipt).toString() };
    });
}

/** Vonage's call for a documented `api:status` name, or (any other name) either shape carrying it as its status. */
function vonageRequest(name: string): fc.Arbitrary<SuiteRequest> {
  if (name.startsWith("messages:")) return messagesRequest(name.slice("messages:".length));
  if (name.startsWith("dlr:")) return dlrRequest(name.slice("dlr:".length));
  return fc.oneof(messagesRequest(name), dlrRequest(name));
}

testPlugin({ plugin: vonage, credentials: { signingKey: [OLD_SECRET, SECRET] }, now: NOW, requestFor: vonageRequest });

const STATUS_BODY = JSON.stringify({
  message_uuid: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
  to: "447700900000",
  from: "447700900001",
  timestamp: "2026-01-15T09:58:00Z",
  status: "delivered",
  channel: "sms",
});
const bearer = (body: string, secret = SECRET, iat = NOW_S - 60) => ({ authorization: `Bearer ${messagesToken(body, secret, iat)}` });

testSignatures({
  plugin: vonage,
  credentials: { signingKey: SECRET },
  wrongCredentials: { signingKey: OTHER_SECRET },
  now: NOW,
  validRequest: { contentType: "application/json", body: STATUS_BODY, headers: bearer(STATUS_BODY) },
  stripHeaders: ["authorization"],
  staleRequest: { contentType: "application/json", body: STATUS_BODY, headers: bearer(STATUS_BODY, SECRET, NOW_S - 24 * 3600 - 60) },
  exempt: {
    "with basic auth configured too, both are required":
      "the Messages API's JWT fills the Authorization header, so basic auth cannot travel with it; a Bearer request is verified by its JWT alone (tested below, and with receipts by the second suite)",
  },
});

const RECEIPT = {
  "err-code": "0",
  "message-timestamp": "2026-01-15 09:58:00",
  messageId: "0B00000127FDBC63",
  msisdn: "447547232824",
  "network-code": "23410",
  price: "0.03330000",
  scts: "2601151058",
  status: "delivered",
  to: "Vonage CLI",
};
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const signedReceipt = (method: Method, secret = SECRET, timestamp = NOW_S - 60, extra: Record<string, string> = {}) =>
  signed({ ...RECEIPT, ...extra, timestamp: String(timestamp), nonce: "ec11dd3e-1e7f-4db5-9467-82b02cd223b9" }, secret, method);

testSignatures({
  plugin: vonage,
  credentials: { signingKey: SECRET, signatureMethod: "sha256" },
  wrongCredentials: { signingKey: OTHER_SECRET, signatureMethod: "sha256" },
  now: NOW,
  validRequest: { contentType: "application/x-www-form-urlencoded", body: form(signedReceipt("sha256")) },
  staleRequest: { contentType: "application/x-www-form-urlencoded", body: form(signedReceipt("sha256", SECRET, NOW_S - 24 * 3600 - 60)) },
  exempt: {
    "each signed header is required":
      "the SMS API signs inside the body (sig, timestamp and nonce are parameters); a receipt without sig or timestamp is refused in the tests below",
  },
});

type Headers = Record<string, string>;

function verdict(credentials: unknown, body: string, headers: Headers = {}, contentType = "application/json", now = NOW): VerifyResult {
  const request = inboundRequest({ headers: { "content-type": contentType, ...headers }, body });
  const outcome = normalize(vonage, request, { credentials: credentials === undefined ? undefined : vonage.credentials.parse(credentials), now });
  return outcome.ok ? { ok: true, verified: outcome.verified, reason: "" } : { ok: false, error: outcome.error };
}
const verified = { ok: true, verified: true };
const refused = (location?: string) => ({ ok: false, error: { code: "unauthorized", ...(location === undefined ? {} : { location }) } });

describe("vonage Messages API JWTs", () => {
  const token = (header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET) => ({ authorization: `Bearer ${jwt(header, claims, secret)}` });
  const claims = { iat: NOW_S - 60, payload_hash: createHash("sha256").update(STATUS_BODY).digest("hex") };

  it("accepts a token of any configured secret, in any case of the Bearer scheme", () => {
    expect(verdict({ signingKey: [OLD_SECRET, SECRET] }, STATUS_BODY, bearer(STATUS_BODY, OLD_SECRET))).toMatchObject(verified);
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, { authorization: bearer(STATUS_BODY).authorization.replace("Bearer", "bearer") })).toMatchObject(verified);
  });

  it("refuses alg none, whatever the signature part holds", () => {
    const unsigned = (header: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    for (const alg of ["none", "None", "NONE"]) {
      expect(verdict({ signingKey: SECRET }, STATUS_BODY, { authorization: `Bearer ${unsigned({ alg, typ: "JWT" })}.` })).toMatchObject(refused("authorization"));
      expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg, typ: "JWT" }, claims))).toMatchObject(refused("authorization"));
    }
  });

  it("refuses every algorithm but HS256, even when the HMAC itself matches", () => {
    for (const header of [{ alg: "HS512" }, { alg: "RS256" }, { alg: "hs256" }, { typ: "JWT" }, { alg: ["HS256"] }]) {
      expect(verdict({ signingKey: SECRET }, STATUS_BODY, token(header, claims))).toMatchObject(refused("authorization"));
    }
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, claims))).toMatchObject(verified);
  });

  it("binds the body through payload_hash, compared as hex in either case", () => {
    const other = STATUS_BODY.replace("delivered", "submitted");
    expect(verdict({ signingKey: SECRET }, other, bearer(STATUS_BODY))).toMatchObject(refused("authorization"));
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, { iat: NOW_S }))).toMatchObject(refused("authorization"));
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, { ...claims, payload_hash: claims.payload_hash.toUpperCase() }))).toMatchObject(verified);
  });

  it("checks iat only after the signature, and refuses a missing, fractional or future one", () => {
    for (const iat of [undefined, "1768471140", NOW_S - 0.5, NOW_S + 301]) {
      expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, { ...claims, iat }))).toMatchObject(refused("authorization (iat)"));
    }
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, { ...claims, iat: undefined }, OTHER_SECRET))).toMatchObject(refused("authorization"));
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, token({ alg: "HS256" }, { ...claims, iat: NOW_S - 24 * 3600 + 60 }))).toMatchObject(verified);
  });

  it("refuses what is not a three-part token, and oversized ones unread", () => {
    for (const value of ["Bearer abc", "Bearer a.b", "Bearer a.b.c.d", "Bearer %%.%%.%%", `Bearer ${"a".repeat(9000)}.b.c`]) {
      expect(verdict({ signingKey: SECRET }, STATUS_BODY, { authorization: value })).toMatchObject(refused("authorization"));
    }
  });

  it("verifies a Bearer request by its JWT alone when basic auth is configured too", () => {
    const credentials = { signingKey: SECRET, username: "vonage", password: "hook-secret" };
    expect(verdict(credentials, STATUS_BODY, bearer(STATUS_BODY))).toMatchObject(verified);
    expect(verdict(credentials, STATUS_BODY, bearer(STATUS_BODY, OTHER_SECRET))).toMatchObject(refused("authorization"));
  });

  it("refuses a Bearer request when only basic auth is configured: nothing can check its token", () => {
    const outcome = verdict({ username: "vonage", password: "hook-secret" }, STATUS_BODY, bearer(STATUS_BODY));
    expect(outcome).toMatchObject(refused("authorization"));
    expect(outcome.ok ? "" : outcome.error.message).toMatch(/signingKey/);
    expect(verdict(undefined, STATUS_BODY, bearer(STATUS_BODY))).toMatchObject({ ok: true, verified: false });
  });

  it("refuses a status without a token once a secret is configured", () => {
    expect(verdict({ signingKey: SECRET }, STATUS_BODY)).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, STATUS_BODY, { authorization: basicAuthHeader("vonage", "hook-secret") })).toMatchObject(refused("sig"));
  });
});

/** The official SDK's signature vectors (vonage-node-sdk packages/sms/__tests__/__dataSets__/signature.ts). */
const SDK_PARAMS = {
  "message-timestamp": "2013-11-21 15:27:30",
  messageId: "020000001B0FE827",
  msisdn: "14843472194",
  text: "Test again",
  timestamp: "1385047698",
  to: "13239877404",
  type: "text",
};
const SDK_SECRET = "my_secret_key_for_testing";
const SDK_SIGNATURES: Record<Method, string> = {
  md5hash: "d2e7b1dc968737c5998ad624e02f90b7",
  md5: "DDEBD46008C2D4E93CCE578A332A52D5",
  sha1: "27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A",
  sha256: "DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330",
  sha512: "E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA3A256C0D763AC4A9AD9144B5A426B94FE82",
};
const SDK_NOW = new Date((1385047698 + 60) * 1000);

describe("vonage SMS API signatures", () => {
  it("verifies the official SDK's vectors for every signature method, as form and as JSON", () => {
    for (const [method, sig] of Object.entries(SDK_SIGNATURES) as [Method, string][]) {
      const credentials = { signingKey: SDK_SECRET, signatureMethod: method };
      const params = { ...SDK_PARAMS, sig };
      expect(verdict(credentials, form(params), {}, "application/x-www-form-urlencoded", SDK_NOW), method).toMatchObject(verified);
      expect(verdict(credentials, JSON.stringify(params), {}, "application/json", SDK_NOW), method).toMatchObject(verified);
      expect(verdict(credentials, form({ ...params, sig: sig.toLowerCase() }), {}, "application/x-www-form-urlencoded", SDK_NOW), method).toMatchObject(verified);
      expect(verdict({ ...credentials, signingKey: OTHER_SECRET }, form(params), {}, "application/x-www-form-urlencoded", SDK_NOW), method).toMatchObject(refused("sig"));
    }
  });

  it("signs with the test helper exactly as the SDK does", () => {
    for (const [method, sig] of Object.entries(SDK_SIGNATURES) as [Method, string][]) {
      expect(signed(SDK_PARAMS, SDK_SECRET, method).sig).toBe(sig);
    }
  });

  it("writes the signed text with a leading &, sorted, sig left out and & and = replaced in values only", () => {
    expect(signedText({ b: "x=y&z", a: "1", sig: "ignored", "a-b": "=" })).toBe("&a=1&a-b=_&b=x_y_z");
    const params = signed({ ...RECEIPT, "client-ref": "a&b=c d+e", timestamp: String(NOW_S), nonce: "n" }, SECRET, "md5hash");
    expect(verdict({ signingKey: SECRET }, form(params), {}, "application/x-www-form-urlencoded")).toMatchObject(verified);
  });

  it("refuses a receipt signed with another method than the one configured", () => {
    expect(verdict({ signingKey: SECRET, signatureMethod: "sha256" }, form(signedReceipt("sha512")), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, form(signedReceipt("md5")), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, form(signedReceipt("md5hash")), {}, "application/x-www-form-urlencoded")).toMatchObject(verified);
  });

  it("refuses a receipt without sig or timestamp, or a tampered parameter", () => {
    const { sig: _sig, ...unsigned } = signedReceipt("md5hash");
    expect(verdict({ signingKey: SECRET }, form(unsigned), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    const { timestamp: _t, ...untimed } = signedReceipt("md5hash");
    expect(verdict({ signingKey: SECRET }, form(untimed), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("timestamp"));
    expect(verdict({ signingKey: SECRET }, form({ ...signedReceipt("md5hash"), status: "failed" }), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, form({ ...signedReceipt("md5hash"), extra: "" }), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
  });

  it("refuses parameters it cannot sign unambiguously: repeated names, values that are not text, too many", () => {
    const params = signedReceipt("md5hash");
    // Even a repeat of the same value: the decoded event and the signed text must not disagree.
    expect(verdict({ signingKey: SECRET }, `${form(params)}&status=delivered`, {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, `status=failed&${form(params)}`, {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, JSON.stringify({ ...params, price: 0.0333 }))).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, JSON.stringify({ ...params, usage: { price: "0.0333" } }))).toMatchObject(refused("sig"));
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`p${i}`, "x"]));
    expect(verdict({ signingKey: SECRET }, form(signed({ ...many, timestamp: String(NOW_S) }, SECRET, "md5hash")), {}, "application/x-www-form-urlencoded")).toMatchObject(refused("sig"));
    expect(verdict({ signingKey: SECRET }, JSON.stringify([params]))).toMatchObject(refused("sig"));
  });

  it("signs prototype names like any other parameter, and they stay plain parameters", () => {
    const hostile: Record<string, string> = JSON.parse('{"__proto__":"x","constructor":"y"}');
    const params = signed({ ...RECEIPT, ...hostile, timestamp: String(NOW_S), nonce: "n" }, SECRET, "md5hash");
    expect(Object.keys(params)).toContain("__proto__");
    expect(verdict({ signingKey: SECRET }, JSON.stringify(params))).toMatchObject(verified);
    expect(verdict({ signingKey: SECRET }, form(params), {}, "application/x-www-form-urlencoded")).toMatchObject(verified);
    expect(verdict({ signingKey: SECRET }, JSON.stringify(params).replace('"__proto__":"x"', '"__proto__":"z"'))).toMatchObject(refused("sig"));
  });

  it("needs the signature secret for a signature method, and knows Vonage's five", () => {
    expect(vonage.credentials.safeParse({ signingKey: SECRET, signatureMethod: "sha512" }).success).toBe(true);
    expect(vonage.credentials.safeParse({ signatureMethod: "sha256" }).success).toBe(false);
    expect(vonage.credentials.safeParse({ signingKey: SECRET, signatureMethod: "sha384" }).success).toBe(false);
    expect(vonage.credentials.safeParse({ signingKey: [OLD_SECRET, SECRET], username: "u", password: "p" }).success).toBe(true);
    expect(vonage.credentials.safeParse({ secret: SECRET }).success).toBe(false);
  });
});

const run = (raw: unknown, contentType = "application/json") => {
  const body = contentType === "application/json" ? JSON.stringify(raw) : form(raw as Record<string, string>);
  const outcome = normalize(vonage, inboundRequest({ headers: { "content-type": contentType }, body }), { now: NOW });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};
const status = (extra: Record<string, unknown>) => ({ ...JSON.parse(STATUS_BODY), ...extra });
const receipt = (extra: Record<string, string>) => ({ ...RECEIPT, ...extra });

describe("vonage names", () => {
  it("tells the two APIs apart by their message id field, statuses in any case", () => {
    expect(run(status({ status: "SUBMITTED" }))).toMatchObject({ results: [{ event: { status: "sent" } }] });
    expect(run(receipt({ status: "Accepted" }), "application/x-www-form-urlencoded")).toMatchObject({ results: [{ event: { status: "sent" } }] });
    expect(run(status({ status: "rejected" }))).toMatchObject({ results: [{ event: { status: "rejected" } }] });
    expect(run(receipt({ status: "rejected" }))).toMatchObject({ results: [{ event: { status: "undelivered" } }] });
  });

  it("keeps read receipts as ignored, and leaves statuses it does not know unmapped", () => {
    expect(run(status({ status: "read", channel: "whatsapp" }))).toMatchObject({ results: [], ignored: [{ name: "messages:read" }] });
    expect(run(status({ status: "deleted" }))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "messages:deleted" }] });
    expect(run(status({ status: "" }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run({ to: "447700900000", status: "delivered" })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run([status({}), receipt({})])).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("vonage readers", () => {
  it("dates a receipt by message-timestamp (UTC), never by the carrier's local scts", () => {
    expect(run(receipt({ "message-timestamp": "2018-10-25 12:10:29", scts: "1810251310" })).results[0]?.event.date).toBe("2018-10-25T12:10:29.000Z");
    const { "message-timestamp": _m, ...untimed } = RECEIPT;
    expect(run({ ...untimed, timestamp: "1540469429" }).results[0]?.event.date).toBe("2018-10-25T12:10:29.000Z");
    expect(run(untimed)).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("dates a status by its timestamp, and reads the message ids", () => {
    expect(run(status({ timestamp: "2025-02-03T12:14:25Z" }))).toMatchObject({
      results: [{ event: { date: "2025-02-03T12:14:25.000Z", externalId: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab" } }],
    });
    expect(run(receipt({}))).toMatchObject({ results: [{ event: { externalId: "0B00000127FDBC63" } }] });
  });

  it("gives a receipt the same id signed or not, whatever its nonce, and another id for another status", () => {
    const plain = run(receipt({})).results[0]!.id;
    expect(plain).toBe(contentHash(RECEIPT));
    expect(run(signedReceipt("md5hash")).results[0]!.id).toBe(plain);
    expect(run({ ...signedReceipt("md5hash"), nonce: "another" }).results[0]!.id).toBe(plain);
    expect(run(receipt({ status: "failed" })).results[0]!.id).not.toBe(plain);
    expect(run(status({})).results[0]!.id).toBe(rowHash(STATUS_BODY));
  });

  it("hashes a receipt's fields in sorted order, escaped as JSON, whatever order and types they come in", () => {
    const { messageId, ...rest } = RECEIPT;
    const odd = { zeta: 'quote " back \\ tab \t', ...rest, alpha: "\u00e9\ud83d\ude00", messageId };
    expect(run(odd).results[0]!.id).toBe(contentHash(odd));
    expect(run({ ...odd, nonce: "n", sig: "s", timestamp: "1540469429" }).results[0]!.id).toBe(contentHash(odd));
    expect(run({ ...odd, price: 0.0333 }).results[0]!.id).toBe(contentHash({ ...odd, price: 0.0333 }));
  });

  it("names the recipient and the sender's reference", () => {
    expect(run(status({ client_ref: "abc123" })).results[0]?.details).toMatchObject({ recipient: "447700900000", metadata: { client_ref: "abc123" } });
    expect(run(receipt({ "client-ref": "my-personal-reference" })).results[0]?.details).toMatchObject({
      recipient: "447547232824",
      metadata: { "client-ref": "my-personal-reference" },
    });
    expect(run(receipt({})).results[0]?.details?.metadata).toBeUndefined();
  });

  it("puts the Messages API error code and detail in response and description", () => {
    const error = { type: "https://developer.vonage.com/api-errors/messages#1000", title: "1000", detail: "Throttled - You have exceeded the submission capacity allowed on this account. Please wait and retry", instance: "bf0ca0bf927b3b52e3cb03217e1a1ddf" };
    const text = "1000: Throttled - You have exceeded the submission capacity allowed on this account. Please wait and retry";
    expect(run(status({ status: "rejected", error }))).toMatchObject({ results: [{ event: { response: text }, details: { description: text } }] });
    expect(run(status({ status: "rejected", error: { ...error, title: 1000 } })).results[0]?.event.response).toBe(text);
    expect(run(status({ status: "undeliverable", error: { title: "1100" } })).results[0]?.event.response).toBe("1100");
    expect(run(status({})).results[0]?.event.response).toBeUndefined();
  });

  it("names a receipt's err-code with its documented meaning, and why it failed", () => {
    const failed = (status: string, code: string) => run(receipt({ status, "err-code": code })).results[0];
    expect(failed("failed", "3")).toMatchObject({ event: { response: "err-code 3: Absent Subscriber - Permanent" }, details: { rejectReason: "invalid", description: "err-code 3: Absent Subscriber - Permanent" } });
    expect(failed("rejected", "6")?.details).toMatchObject({ rejectReason: "spam" });
    expect(failed("rejected", "9")?.details).toMatchObject({ rejectReason: "unsubscribed" });
    expect(failed("rejected", "14")?.details).toMatchObject({ rejectReason: "blocked" });
    expect(failed("expired", "7")?.details).toMatchObject({ rejectReason: "timed_out", description: "err-code 7: Handset Busy" });
    expect(failed("unknown", "42")).toMatchObject({ event: { response: "err-code 42" }, details: { rejectReason: "other" } });
    const delivered = failed("delivered", "0");
    expect(delivered?.event.response).toBeUndefined();
    expect(delivered?.details?.rejectReason).toBeUndefined();
    expect(failed("buffered", "0")?.details?.rejectReason).toBeUndefined();
  });
});

describe("vonage GET receipts", () => {
  it("names the dashboard setting that makes Vonage POST its receipts", () => {
    expect(vonage.methodHint).toMatch(/POST-JSON/);
    expect(vonage.methodHint).toMatch(/API Settings/);
  });
});

describe("vonage fixtures", () => {
  const registry = new PluginRegistry([vonage]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/vonage/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
