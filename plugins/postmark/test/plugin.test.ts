import fc from "fast-check";
import { basicAuthHeader, rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { BOUNCE_TYPE_CODES, EVENTS, postmark } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
/** Two pairs, as during a rotation: both must pass. */
const CREDENTIALS = { username: ["postmark", "postmark-2026"], password: ["old-secret", "new-secret"] };
const AUTHORIZATIONS = [basicAuthHeader("postmark", "old-secret"), basicAuthHeader("postmark-2026", "new-secret")];

const DATE_FIELDS: Record<string, string> = {
  Delivery: "DeliveredAt",
  Bounce: "BouncedAt",
  SpamComplaint: "BouncedAt",
  Open: "ReceivedAt",
  Click: "ReceivedAt",
  SubscriptionChange: "ChangedAt",
};

/** Postmark writes 7 fractional digits and Z; offsets and whole seconds appear in older examples. */
const postmarkDate = fc
  .date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })
  .chain((d) => {
    const iso = d.toISOString();
    return fc.constantFrom(iso.replace("Z", "1234Z"), iso.replace(/\.\d{3}Z$/, "Z"), iso.replace("Z", "+00:00"));
  });

const anyCase = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

/** The fields that make a raw record's name `name` (a documented key, or any text as a RecordType). */
function nameFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  const [recordType, sub, origin] = name.split(":") as [string, string | undefined, string | undefined];
  if (name === "Inbound") return fc.constant({ FromFull: { Email: "support@postmarkapp.com", Name: "Support", MailboxHash: "" } });
  if (recordType === "Bounce" && sub !== undefined) {
    const code = BOUNCE_TYPE_CODES[sub as keyof typeof BOUNCE_TYPE_CODES];
    return fc.record({ RecordType: anyCase("Bounce"), byCode: fc.boolean(), type: anyCase(sub) }).map(({ RecordType, byCode, type }) =>
      byCode ? { RecordType, TypeCode: code } : { RecordType, Type: type, TypeCode: code },
    );
  }
  if (recordType === "SubscriptionChange" && sub !== undefined) {
    if (sub === "Reactivated") return fc.constant({ RecordType: recordType, SuppressSending: false, SuppressionReason: null, Origin: "Customer" });
    return fc
      .record({ RecordType: anyCase(recordType), SuppressionReason: anyCase(sub), Origin: anyCase(origin ?? "Recipient") })
      .map((fields) => ({ ...fields, SuppressSending: true }));
  }
  return recordType in DATE_FIELDS ? anyCase(recordType).map((RecordType) => ({ RecordType })) : fc.constant({ RecordType: name });
}

function rawRecord(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      named: nameFields(name),
      at: postmarkDate,
      MessageID: fc.uuid(),
      // Ids beyond 2^53 are left to the fixtures: the suite's key-reordering check re-parses bodies as doubles.
      ID: fc.nat(),
      address: fc.emailAddress(),
      Tag: fc.string({ maxLength: 12 }),
      Metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
      Details: fc.constantFrom("smtp;250 2.0.0 OK", "smtp;550 5.1.1 user unknown", "Test bounce details", ""),
      UserAgent: fc.string({ minLength: 1, maxLength: 40 }),
      ip: fc.ipV4(),
      OriginalLink: fc.webUrl(),
    })
    .map(({ named, at, address, ip, ID, ...fields }) => {
      const type = typeof named["RecordType"] === "string" ? String(named["RecordType"]) : "";
      const canonical = Object.keys(DATE_FIELDS).find((t) => t.toLowerCase() === type.toLowerCase()) ?? "Delivery";
      const recipient = canonical === "Bounce" || canonical === "SpamComplaint" ? { Email: address } : { Recipient: address };
      return { ...fields, ...recipient, ...named, ID, Geo: { IP: ip }, MessageStream: "outbound", ServerID: 23, [DATE_FIELDS[canonical]!]: at };
    });
}

/** Postmark's call: one record per POST (a list of several is accepted too), with one of the rotated pairs. */
function postmarkRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ records: fc.array(rawRecord(name), { minLength: 1, maxLength: 3 }), single: fc.boolean(), authorization: fc.constantFrom(...AUTHORIZATIONS) })
    .map(({ records, single, authorization }) => ({
      contentType: "application/json",
      body: JSON.stringify(single ? records[0] : records),
      headers: { authorization },
    }));
}

testPlugin({ plugin: postmark, credentials: CREDENTIALS, now: NOW, requestFor: postmarkRequest });

/** Postmark's only scheme is basic auth: the shared suite checks the pair, and says what it cannot cover. */
testSignatures({
  plugin: postmark,
  credentials: CREDENTIALS,
  wrongCredentials: { username: "postmark", password: "another-secret" },
  now: NOW,
  validRequest: {
    contentType: "application/json",
    body: JSON.stringify({ RecordType: "Delivery", MessageID: "883953f4-6105-42a2-a16a-77a8eac79483", DeliveredAt: "2019-11-05T16:33:54.9070259Z" }),
    headers: { authorization: AUTHORIZATIONS[1]! },
  },
  stripHeaders: ["authorization"],
  exempt: {
    "a tampered request is unauthorized": "Postmark signs nothing; basic auth does not cover the body",
    "a stale request is unauthorized": "Postmark sends no signed time",
    "with basic auth configured too, both are required": "basic auth is Postmark's only scheme; there is no signature to combine it with",
  },
});

const run = (record: unknown, credentials: unknown = undefined) =>
  normalize(postmark, inboundRequest({ headers: { "content-type": "application/json" }, body: JSON.stringify(record) }), { credentials, now: NOW });

const BASE = { MessageID: "883953f4-6105-42a2-a16a-77a8eac79483", BouncedAt: "2019-11-05T16:33:54.9070259Z", Email: "john@example.com" };

describe("postmark names", () => {
  it("lists a Bounce:<Type> event for every documented bounce type and code", () => {
    expect(EVENTS.filter((name) => name.startsWith("Bounce:")).map((name) => name.slice(7))).toEqual(Object.keys(BOUNCE_TYPE_CODES));
  });

  it("reads the bounce type from Type, and from TypeCode only when Type is absent", () => {
    expect(run({ ...BASE, RecordType: "Bounce", Type: "Transient", TypeCode: 1 })).toMatchObject({ results: [{ event: { status: "deferred" } }] });
    expect(run({ ...BASE, RecordType: "Bounce", TypeCode: 100000 })).toMatchObject({ results: [{ event: { status: "dropped" } }] });
    expect(run({ ...BASE, RecordType: "Bounce", TypeCode: "4096" })).toMatchObject({ results: [{ event: { status: "bounced" } }] });
    expect(run({ ...BASE, RecordType: "Bounce" })).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "Bounce" }] });
  });

  it("leaves subscription changes without a documented direction, reason or origin unmapped", () => {
    const change = { MessageID: BASE.MessageID, ChangedAt: "2020-02-01T10:53:34.416071Z", RecordType: "SubscriptionChange" };
    for (const odd of [
      { SuppressSending: "true", SuppressionReason: "HardBounce" },
      { SuppressSending: true },
      { SuppressSending: true, SuppressionReason: "ManualSuppression" },
      { SuppressSending: true, SuppressionReason: "ManualSuppression", Origin: "Robot" },
    ]) {
      expect(run({ ...change, ...odd })).toMatchObject({ results: [], ignored: [], unmapped: [{ code: "unknown_event" }] });
    }
    expect(run({ ...change, SuppressSending: false, SuppressionReason: "HardBounce" })).toMatchObject({ results: [], ignored: [{ name: "SubscriptionChange:Reactivated" }] });
  });

  it("a record without RecordType is an inbound email only when it has a parsed sender", () => {
    expect(run({ FromFull: { Email: "a@example.com" }, MessageID: "x" })).toMatchObject({ ignored: [{ name: "Inbound" }] });
    expect(run({ From: "a@example.com", MessageID: "x" })).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
  });
});

describe("postmark readers", () => {
  it("gives bounce and spam complaint records with the same ID different result ids", () => {
    const bounce = run({ ...BASE, RecordType: "Bounce", ID: 42, Type: "HardBounce" });
    const complaint = run({ ...BASE, RecordType: "SpamComplaint", ID: 42, Type: "SpamComplaint" });
    expect(bounce).toMatchObject({ results: [{ id: "Bounce:42" }] });
    expect(complaint).toMatchObject({ results: [{ id: "SpamComplaint:42" }] });
  });

  it("hashes records that carry no bounce id, ignoring a stray ID field", () => {
    const delivery = { RecordType: "Delivery", MessageID: BASE.MessageID, DeliveredAt: "2019-11-05T16:33:54Z", ID: 7 };
    expect(run(delivery)).toMatchObject({ results: [{ id: rowHash(JSON.stringify(delivery)) }] });
  });

  it("takes SMTP codes from Details without Postmark's smtp; prefix, and falls back to the description", () => {
    expect(run({ ...BASE, RecordType: "Bounce", Type: "HardBounce", Details: "SMTP; 550 5.1.1 unknown" })).toMatchObject({
      results: [{ details: { smtpCode: "550", enhancedStatus: "5.1.1", mtaResponse: "SMTP; 550 5.1.1 unknown" } }],
    });
    expect(run({ ...BASE, RecordType: "Bounce", Type: "Blocked", Details: "action: failed", Description: "554 5.7.1 blocked by policy" })).toMatchObject({
      results: [{ details: { smtpCode: "554", enhancedStatus: "5.7.1" } }],
    });
  });

  it("puts a link, user agent and IP only on the records that have them", () => {
    const delivery = run({ RecordType: "Delivery", MessageID: "m", DeliveredAt: "2019-11-05T16:33:54Z", OriginalLink: "https://x.example", UserAgent: "ua", Geo: { IP: "1.2.3.4" } });
    if (!delivery.ok) throw new Error(delivery.error.message);
    expect(delivery.results[0]).toMatchObject({ event: { status: "delivered" } });
    expect(delivery.results[0]).not.toHaveProperty("details");
    const click = run({ RecordType: "Click", MessageID: "m", ReceivedAt: "2019-11-05T16:33:54Z", OriginalLink: "https://x.example", UserAgent: "ua", Geo: { IP: "1.2.3.4" } });
    expect(click).toMatchObject({ results: [{ details: { clickUrl: "https://x.example", userAgent: "ua", ip: "1.2.3.4" }, event: { response: "https://x.example" } }] });
  });

  it("reads each record type's own date field", () => {
    const at = "2020-02-01T10:53:34.416071Z";
    expect(run({ RecordType: "Open", MessageID: "m", DeliveredAt: at })).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
    expect(run({ RecordType: "Open", MessageID: "m", ReceivedAt: at })).toMatchObject({ results: [{ event: { date: "2020-02-01T10:53:34.416Z" } }] });
  });
});

describe("postmark verification", () => {
  const request = (authorization?: string) =>
    inboundRequest({ headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: "{}" });
  const verify = (credentials: unknown, authorization?: string) =>
    postmark.verify({ request: request(authorization), credentials: postmark.credentials.parse(credentials), now: NOW, body: () => ({ ok: true, value: {} }) as never, host: undefined as never });

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(postmark.verify({ request: request(), credentials: undefined, now: NOW, body: () => ({}) as never, host: undefined as never })).toMatchObject({
      ok: true,
      verified: false,
    });
  });

  it("verifies each rotated pair and refuses crossed or missing ones", () => {
    for (const authorization of AUTHORIZATIONS) expect(verify(CREDENTIALS, authorization)).toEqual({ ok: true, verified: true });
    expect(verify(CREDENTIALS, basicAuthHeader("postmark", "new-secret"))).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(verify(CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("accepts only the shared username/password fields", () => {
    expect(postmark.credentials.safeParse({ username: "u", password: "p" }).success).toBe(true);
    expect(postmark.credentials.safeParse({ username: "u" }).success).toBe(false);
    expect(postmark.credentials.safeParse({ username: "u", password: "p", signingKey: "k" }).success).toBe(false);
  });
});

describe("postmark fixtures", () => {
  const registry = new PluginRegistry([postmark]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/postmark/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
