import fc from "fast-check";
import { inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { HEADERS, plivo } from "../src/index.js";
import { CALLBACK_URL, CREDENTIALS, DELIVERED, FORM, NEW_TOKEN, NOW, OLD_TOKEN, v2Request, v3Request, withField, type Fields } from "./sign.js";

const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase());
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${min - 1},${max - 1}}$`));
const plivoTime = fc
  .date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true })
  .map((d) => `${d.toISOString().slice(0, 19).replace("T", " ")}.${String(d.getUTCMilliseconds()).padStart(3, "0")}456`);

/** A status callback's attributes (Message Status Callbacks), the documented ones present or not. */
const statusFields = fc.record(
  {
    MessageUUID: fc.uuid(),
    To: digits(8, 14),
    From: fc.oneof(digits(8, 14), fc.constantFrom("PLIVO", "MyBrand")),
    Type: fc.constantFrom("sms", "mms", "whatsapp"),
    Units: fc.integer({ min: 1, max: 10 }).map(String),
    TotalRate: fc.constantFrom("0.00500", "0.03000"),
    TotalAmount: fc.constantFrom("0.00500", "0.15000"),
    MCC: digits(3, 3),
    MNC: digits(2, 3),
    ErrorCode: fc.constantFrom("", "000", "10", "20", "30", "40", "450", "900"),
    Sequence: fc.integer({ min: 1, max: 9 }).map(String),
    MessageTime: plivoTime,
    QueuedTime: plivoTime,
    SentTime: plivoTime,
    DeliveryReportTime: plivoTime,
  },
  { requiredKeys: ["MessageUUID"] },
);

/** An inbound message as Plivo posts it to an application's Message URL: no Status. */
const inboundFields = fc.record({ From: digits(8, 14), To: digits(8, 14), Type: fc.constant("sms"), Text: fc.string({ maxLength: 40 }), MessageUUID: fc.uuid() });

function fieldsFor(name: string): fc.Arbitrary<Fields> {
  const withStatus = fc
    .record({ status: anyCase(name), fields: statusFields })
    .map(({ status, fields }): [string, string][] => [...Object.entries(fields), ["Status", status]]);
  const shapes = name === "received" ? fc.oneof(withStatus, inboundFields.map((fields) => Object.entries(fields))) : withStatus;
  // Plivo's field order is not documented; the signature sorts them, so any order must verify.
  return shapes.chain((fields) => fc.shuffledSubarray(fields, { minLength: fields.length }));
}

/** Plivo's POST: the fields form-encoded, signed V3 or (as its messaging pages describe) V2, with either rotated token. */
function plivoRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ fields: fieldsFor(name), token: fc.constantFrom(OLD_TOKEN, NEW_TOKEN), scheme: fc.constantFrom("v3", "v2"), nonce: digits(8, 20) })
    .map(({ fields, token, scheme, nonce }) => (scheme === "v3" ? v3Request(fields, { token, nonce }) : v2Request(fields, { token, nonce })));
}

testPlugin({ plugin: plivo, credentials: CREDENTIALS, now: NOW, requestFor: plivoRequest });

testSignatures({
  plugin: plivo,
  credentials: { signingKey: NEW_TOKEN, url: CALLBACK_URL },
  wrongCredentials: { signingKey: "another-auth-token", url: CALLBACK_URL },
  now: NOW,
  validRequest: v3Request(DELIVERED),
  stripHeaders: [HEADERS.v3, HEADERS.v3Nonce],
  exempt: { "a stale request is unauthorized": "Plivo signs no time: V3 covers the URL, the fields and a nonce" },
});

/** V2 covers the URL and the nonce only, so the tampering that must fail is a changed nonce. */
testSignatures({
  plugin: plivo,
  credentials: { signingKey: NEW_TOKEN, url: CALLBACK_URL },
  wrongCredentials: { signingKey: "another-auth-token", url: CALLBACK_URL },
  now: NOW,
  validRequest: v2Request(DELIVERED),
  tamper: (request) => ({ ...request, headers: { ...request.headers, [HEADERS.v2Nonce]: "05429567804466091623" } }),
  stripHeaders: [HEADERS.v2, HEADERS.v2Nonce],
  exempt: { "a stale request is unauthorized": "Plivo signs no time: V2 covers the URL and a nonce" },
});

const RECEIVED_AT = new Date("2026-01-15T10:00:03.250Z");

const run = (request: SuiteRequest) =>
  normalize(plivo, inboundRequest({ headers: { ...request.headers, "content-type": request.contentType }, body: request.body }), {
    credentials: plivo.credentials.parse(CREDENTIALS),
    now: NOW,
    receivedAt: RECEIVED_AT,
  });

function single(fields: Fields) {
  const outcome = run(v3Request(fields));
  if (!outcome.ok || outcome.results.length !== 1) throw new Error(`expected one result: ${JSON.stringify(outcome)}`);
  return outcome.results[0]!;
}

describe("plivo names", () => {
  it("reads Status without regard to case", () => {
    expect(single(withField(DELIVERED, "Status", "Undelivered")).event.status).toBe("undelivered");
    expect(single(withField(DELIVERED, "Status", "REJECTED")).event.status).toBe("blocked");
  });

  it("takes a body without Status but with Text as an inbound message, ignored", () => {
    const inbound: Fields = [["From", "14156667777"], ["To", "14152828726"], ["Type", "sms"], ["Text", "Hello"], ["MessageUUID", "6dffe3ea-a25e-11e4-a6e4-22000afa12b0"]];
    expect(run(v3Request(inbound))).toMatchObject({ results: [], ignored: [{ name: "received" }], unmapped: [] });
  });

  it("keeps a body without Status or Text, a repeated Status and an unknown one, unmapped", () => {
    const withoutStatus = DELIVERED.filter(([name]) => name !== "Status");
    expect(run(v3Request(withoutStatus))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run(v3Request([...DELIVERED, ["Status", "sent"]]))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run(v3Request(withField(DELIVERED, "Status", "expired")))).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "expired" }] });
  });
});

describe("plivo readers", () => {
  it("dates the event at receipt and says so, whatever the zone-less *Time fields say", () => {
    const result = single(DELIVERED);
    expect(result.event.date).toBe(RECEIVED_AT.toISOString());
    expect(result.details).toMatchObject({ dateSource: "received" });
  });

  it("takes MessageUUID as the message id and the recipient from To", () => {
    expect(single(DELIVERED)).toMatchObject({ event: { externalId: "db3ce55a-7f1d-11e1-8ea7-1231380bc196" }, details: { recipient: "14156667777" } });
  });

  it("names the event by message and status: a re-delivery keeps its id, the next status does not share it", () => {
    const first = single(DELIVERED);
    const again = single([...DELIVERED].reverse());
    const sent = single(withField(DELIVERED, "Status", "sent"));
    expect(first.id).toBe("db3ce55a-7f1d-11e1-8ea7-1231380bc196:delivered");
    expect(again.id).toBe(first.id);
    expect(single(withField(DELIVERED, "Status", "DELIVERED")).id).toBe(first.id);
    expect(sent.id).toBe("db3ce55a-7f1d-11e1-8ea7-1231380bc196:sent");
  });

  it("reports the error code, with the reason Plivo's table gives when it is one of those", () => {
    const undelivered = withField(withField(DELIVERED, "Status", "undelivered"), "ErrorCode", "30");
    expect(single(undelivered)).toMatchObject({
      event: { status: "undelivered", response: "ErrorCode 30: Spam Detected" },
      details: { description: "Spam Detected (Plivo error code 30)" },
    });
    const failed = withField(withField(DELIVERED, "Status", "failed"), "ErrorCode", "900");
    expect(single(failed)).toMatchObject({ event: { response: "ErrorCode 900" }, details: { description: "Plivo error code 900" } });
  });

  it("reads no error from an empty or all-zero ErrorCode", () => {
    for (const code of ["", "000", "0"]) {
      const result = single(withField(DELIVERED, "ErrorCode", code));
      expect(result.event.response).toBeUndefined();
      expect(result.details?.description).toBeUndefined();
    }
  });
});

describe("plivo credentials", () => {
  const issues = (value: unknown) => plivo.credentials.safeParse(value).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);

  it("needs the URL with the Auth Token, and the Auth Token with the URL", () => {
    expect(issues({ signingKey: NEW_TOKEN })).toEqual([expect.stringMatching(/^url: required with signingKey: Plivo signs the callback URL/)]);
    expect(issues({ url: CALLBACK_URL })).toEqual([expect.stringMatching(/^signingKey: required with url/)]);
    expect(issues(CREDENTIALS)).toBeUndefined();
    expect(issues({ username: "u", password: "p" })).toBeUndefined();
  });

  it("refuses a URL that is not http(s) and fields it does not know", () => {
    expect(issues({ signingKey: NEW_TOKEN, url: "ftp://hooks.example.com/plivo" })).toBeDefined();
    expect(issues({ signingKey: NEW_TOKEN, url: CALLBACK_URL, authToken: "x" })).toEqual([expect.stringContaining('unexpected field "authToken"')]);
  });

  it("is not configured without credentials, so the host asks for its API key", () => {
    const request = v3Request(DELIVERED);
    const outcome = normalize(plivo, inboundRequest({ headers: { ...request.headers, "content-type": FORM }, body: request.body }), { now: NOW });
    expect(outcome).toMatchObject({ ok: true, verified: false });
  });
});

describe("plivo fixtures", () => {
  const registry = new PluginRegistry([plivo]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/plivo/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
