import fc from "fast-check";
import { basicAuthHeader, rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { callbackMetadata, EVENTS, infobip, MAPPING, MAX_CALLBACK_DATA, REJECT_REASONS, STATUS_GROUPS, STATUS_NAMES } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
/** Two pairs, as during a rotation: both must pass. */
const CREDENTIALS = { username: ["infobip", "infobip-2026"], password: ["old-secret", "new-secret"] };
const AUTHORIZATIONS = [basicAuthHeader("infobip", "old-secret"), basicAuthHeader("infobip-2026", "new-secret")];

const GROUP_IDS: Record<string, number> = { PENDING: 1, UNDELIVERABLE: 2, DELIVERED: 3, EXPIRED: 4, REJECTED: 5 };
const GROUP_OF = new Map<string, string>(Object.entries(STATUS_NAMES).flatMap(([group, names]) => names.map((name): [string, string] => [name, group])));

const anyCase = (name: string) => fc.constantFrom(name, name.toLowerCase());

/** Infobip's `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, in the `+0000` form and the `+01:00` form its SDK tests use. */
const infobipDate = fc
  .record({
    at: fc.date({ min: new Date("2015-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
    offset: fc.constantFrom(0, 60, -180, 330),
    colon: fc.boolean(),
  })
  .map(({ at, offset, colon }) => {
    const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 23);
    const sign = offset < 0 ? "-" : "+";
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
    const mm = String(Math.abs(offset) % 60).padStart(2, "0");
    return `${local}${sign}${hh}${colon ? ":" : ""}${mm}`;
  });

/** The status object that makes a report's name `name`: a documented status, a group, or any other text. */
function statusFor(name: string): fc.Arbitrary<Record<string, unknown>> {
  const group = GROUP_OF.get(name);
  if (group !== undefined) {
    return anyCase(name).map((spelled) => ({ groupId: GROUP_IDS[group], groupName: group, id: 5, name: spelled, description: "documented status" }));
  }
  if ((STATUS_GROUPS as readonly string[]).includes(name)) {
    // A status name this table does not know, in a documented group.
    return fc
      .record({ groupName: anyCase(name), suffix: fc.constantFrom("ADDED_LATER", "X") })
      .map(({ groupName, suffix }) => ({ groupName, id: 99, name: `${name}_${suffix}`, description: "a newer status" }));
  }
  return fc.constantFrom({ name }, { name, groupName: name });
}

const noError = { groupId: 0, groupName: "OK", id: 0, name: "NO_ERROR", description: "No Error", permanent: false };
const absentSubscriber = { groupId: 1, groupName: "HANDSET_ERRORS", id: 27, name: "EC_ABSENT_SUBSCRIBER", description: "Absent Subscriber", permanent: false };

function report(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      status: statusFor(name),
      messageId: fc.uuid(),
      to: fc.stringMatching(/^[1-9]\d{7,13}$/),
      sentAt: infobipDate,
      doneAt: fc.option(infobipDate, { nil: undefined }),
      error: fc.constantFrom(noError, absentSubscriber, undefined),
      callbackData: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }).map((o) => JSON.stringify(o))), {
        nil: undefined,
      }),
      v3: fc.boolean(),
    })
    .map(({ v3, ...fields }) => ({
      bulkId: "BULK-ID-123-xyz",
      ...fields,
      ...(v3 ? { sender: "InfoSMS", messageCount: 1 } : { from: "InfoSMS", smsCount: 1 }),
      price: { pricePerMessage: 0.01, currency: "EUR" },
    }));
}

/** Infobip's call: `{ results: [...] }` with one of the rotated pairs. */
function infobipRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ results: fc.array(report(name), { minLength: 1, maxLength: 3 }), authorization: fc.constantFrom(...AUTHORIZATIONS) })
    .map(({ results, authorization }) => ({ contentType: "application/json", body: JSON.stringify({ results }), headers: { authorization } }));
}

testPlugin({ plugin: infobip, credentials: CREDENTIALS, now: NOW, requestFor: infobipRequest });

const DELIVERED = {
  bulkId: "BULK-ID-123-xyz",
  messageId: "MESSAGE-ID-123-xyz",
  to: "41793026727",
  sentAt: "2019-11-09T16:00:00.000+0000",
  doneAt: "2019-11-09T16:00:00.000+0000",
  smsCount: 1,
  price: { pricePerMessage: 0.01, currency: "EUR" },
  status: { groupId: 3, groupName: "DELIVERED", id: 5, name: "DELIVERED_TO_HANDSET", description: "Message delivered to handset" },
  error: noError,
};

/** Infobip signs nothing: basic auth is its only scheme. */
testSignatures({
  plugin: infobip,
  credentials: CREDENTIALS,
  wrongCredentials: { username: "infobip", password: "another-secret" },
  now: NOW,
  validRequest: { contentType: "application/json", body: JSON.stringify({ results: [DELIVERED] }), headers: { authorization: AUTHORIZATIONS[1]! } },
  stripHeaders: ["authorization"],
  exempt: {
    "a tampered request is unauthorized": "Infobip signs nothing; basic auth does not cover the body",
    "a stale request is unauthorized": "Infobip sends no signed time",
    "with basic auth configured too, both are required": "basic auth is Infobip's only scheme; there is no signature to combine it with",
  },
});

const run = (body: unknown) => normalize(infobip, inboundRequest({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), { now: NOW });
const one = (fields: Record<string, unknown>) => run({ results: [{ ...DELIVERED, ...fields }] });
const withStatus = (status: Record<string, unknown>, fields: Record<string, unknown> = {}) => one({ status, ...fields });

describe("infobip batches", () => {
  it("gives each result of a batch its own event, in order", () => {
    const second = { ...DELIVERED, messageId: "12db39c3-7822-4e72-a3ec-c87442c0ffc5", to: "41793026834" };
    const outcome = run({ results: [DELIVERED, second] });
    expect(outcome).toMatchObject({
      results: [{ event: { externalId: "MESSAGE-ID-123-xyz" } }, { event: { externalId: "12db39c3-7822-4e72-a3ec-c87442c0ffc5" } }],
    });
  });

  it("takes a bare list or a single result as it comes, and reports what is not a report", () => {
    expect(run([DELIVERED])).toMatchObject({ results: [{ event: { status: "delivered" } }] });
    expect(run(DELIVERED)).toMatchObject({ results: [{ event: { status: "delivered" } }] });
    expect(run({ results: [DELIVERED, 5, "text", null] })).toMatchObject({ results: [{}], unmapped: [{ code: "invalid_event" }, { code: "invalid_event" }, { code: "invalid_event" }] });
    expect(run({ results: {} })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(run({ results: [] })).toMatchObject({ results: [], ignored: [], unmapped: [] });
  });

  it("gives a report the same id in any batch, and each status of one message its own", () => {
    const alone = run({ results: [DELIVERED] });
    const later = run({ results: [{ ...DELIVERED, messageId: "other" }, DELIVERED] });
    if (!alone.ok || !later.ok) throw new Error("a documented report failed");
    expect(later.results[1]!.id).toBe(alone.results[0]!.id);
    expect(alone.results[0]!.id).toBe(rowHash(JSON.stringify(DELIVERED)));
    const operator = withStatus({ groupId: 3, groupName: "DELIVERED", id: 2, name: "DELIVERED_TO_OPERATOR", description: "Message delivered to operator" });
    if (!operator.ok) throw new Error("a documented report failed");
    expect(operator.results[0]!.id).not.toBe(alone.results[0]!.id);
  });
});

describe("infobip names", () => {
  it("reads the status name whatever its case", () => {
    expect(withStatus({ groupName: "delivered", name: "delivered_to_operator" })).toMatchObject({ results: [{ event: { status: "sent" } }] });
  });

  it("names a report by its group when Infobip sends a status this table does not list", () => {
    const expired = withStatus({ groupId: 4, groupName: "EXPIRED", id: 87, name: "SIGNALS_EXPIRED_LATER" });
    expect(expired).toMatchObject({ results: [{ event: { status: "undelivered", response: "status: SIGNALS_EXPIRED_LATER" }, details: { rejectReason: "timed_out" } }] });
    expect(withStatus({ groupName: "PENDING" })).toMatchObject({ results: [{ event: { status: "sending" } }] });
  });

  it("keeps a documented status name over a group that disagrees with it", () => {
    expect(withStatus({ groupName: "REJECTED", name: "DELIVERED_TO_HANDSET" })).toMatchObject({ results: [{ event: { status: "delivered" } }] });
  });

  it("leaves a report unmapped when neither its name nor its group is documented, and invalid without a status", () => {
    expect(withStatus({ groupName: "LATER", name: "SOMETHING_NEW" })).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "SOMETHING_NEW" }] });
    expect(withStatus({ groupName: "constructor" })).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: "constructor" }] });
    expect(one({ status: undefined })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(withStatus({ id: 5, groupId: 3 })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("gives every rejection a reason a suppression list can act on", () => {
    const rejected = EVENTS.filter((name) => MAPPING[name] === "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    for (const name of rejected) expect(REJECT_REASONS[name], name).toBeDefined();
  });
});

describe("infobip readers", () => {
  it("dates a report by doneAt, else by sentAt, reading Infobip's +0000 offsets", () => {
    expect(one({ sentAt: "2019-11-09T16:00:00.000+0000", doneAt: "2019-11-09T16:01:56.494-0300" })).toMatchObject({ results: [{ event: { date: "2019-11-09T19:01:56.494Z" } }] });
    expect(one({ doneAt: undefined, sentAt: "2019-11-09T17:00:00.000+01:00" })).toMatchObject({ results: [{ event: { date: "2019-11-09T16:00:00.000Z" } }] });
    expect(one({ doneAt: "not a date", sentAt: "2019-11-09T17:00:00.000+0000" })).toMatchObject({ results: [{ event: { date: "2019-11-09T17:00:00.000Z" } }] });
    expect(one({ doneAt: undefined, sentAt: undefined })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event", reason: "the event has no valid date" }] });
  });

  it("says the status in response, and the error only when there is one", () => {
    expect(one({})).toMatchObject({ results: [{ event: { response: "status: DELIVERED_TO_HANDSET (Message delivered to handset)" }, details: { description: "Message delivered to handset" } }] });
    const undelivered = withStatus(
      { groupId: 2, groupName: "UNDELIVERABLE", id: 9, name: "UNDELIVERABLE_NOT_DELIVERED", description: "Message sent not delivered" },
      { error: { groupId: 1, groupName: "HANDSET_ERRORS", id: 1, name: "EC_UNKNOWN_SUBSCRIBER", description: "Unknown Subscriber", permanent: true } },
    );
    expect(undelivered).toMatchObject({
      results: [
        {
          event: { status: "undelivered", response: "status: UNDELIVERABLE_NOT_DELIVERED (Message sent not delivered); error 1: EC_UNKNOWN_SUBSCRIBER (Unknown Subscriber); permanent" },
          details: { description: "Unknown Subscriber" },
        },
      ],
    });
    expect(one({ error: { id: 0, name: "NO_ERROR", description: "No Error", permanent: true } })).toMatchObject({
      results: [{ event: { response: "status: DELIVERED_TO_HANDSET (Message delivered to handset)" } }],
    });
  });

  it("reads the recipient, and a rejection's reason from its status", () => {
    const dnd = withStatus({ groupId: 5, groupName: "REJECTED", id: 10, name: "REJECTED_DND" });
    expect(dnd).toMatchObject({ results: [{ event: { status: "rejected" }, details: { recipient: "41793026727", rejectReason: "unsubscribed" } }] });
    expect(one({})).toMatchObject({ results: [{ details: { recipient: "41793026727" } }] });
    expect(one({})).not.toMatchObject({ results: [{ details: { rejectReason: expect.anything() } }] });
  });
});

describe("infobip callbackData", () => {
  it("is metadata: the members of a JSON object, else the text under callbackData", () => {
    expect(callbackMetadata("DLR callback data")).toEqual({ callbackData: "DLR callback data" });
    expect(callbackMetadata('{"orderId": 42, "tags": ["a"], "note": null}')).toEqual({ orderId: "42", tags: '["a"]' });
    expect(callbackMetadata("[1, 2]")).toEqual({ callbackData: "[1, 2]" });
    expect(callbackMetadata("{not json")).toEqual({ callbackData: "{not json" });
    expect(callbackMetadata("{}")).toEqual({ callbackData: "{}" });
    expect(callbackMetadata(undefined)).toBeUndefined();
    expect(callbackMetadata("")).toBeUndefined();
  });

  it("never lets a key of the sender's JSON reach a prototype", () => {
    const metadata = callbackMetadata('{"__proto__": {"polluted": true}, "constructor": "x"}');
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.keys(metadata!)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("parses only what Infobip could have sent, and leaves out what does not fit the details", () => {
    const long = `{"a": "${"x".repeat(MAX_CALLBACK_DATA)}"}`;
    expect(callbackMetadata(long)).toEqual({ callbackData: long });
    expect(callbackMetadata(`{"${"k".repeat(300)}": "v"}`)).toEqual({ callbackData: `{"${"k".repeat(300)}": "v"}` });
    expect(callbackMetadata("x".repeat(9000))).toBeUndefined();
    const huge = one({ callbackData: "x".repeat(9000) });
    expect(huge).toMatchObject({ results: [{ event: { status: "delivered" }, details: { recipient: "41793026727" } }] });
    expect(huge).not.toMatchObject({ results: [{ details: { metadata: expect.anything() } }] });
  });
});

describe("infobip verification", () => {
  const request = (authorization?: string) =>
    inboundRequest({ headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: "{}" });
  const verify = (credentials: unknown, authorization?: string) =>
    infobip.verify({ request: request(authorization), credentials: infobip.credentials.parse(credentials), now: NOW, body: () => ({ ok: true, value: {} }) as never, host: undefined as never });

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(infobip.verify({ request: request(), credentials: undefined, now: NOW, body: () => ({}) as never, host: undefined as never })).toMatchObject({
      ok: true,
      verified: false,
    });
  });

  it("verifies each rotated pair and refuses crossed, wrong or missing ones", () => {
    for (const authorization of AUTHORIZATIONS) expect(verify(CREDENTIALS, authorization)).toEqual({ ok: true, verified: true });
    expect(verify(CREDENTIALS, basicAuthHeader("infobip", "new-secret"))).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(verify(CREDENTIALS, basicAuthHeader("infobip", "wrong"))).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(verify(CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("accepts only the shared username/password fields", () => {
    expect(infobip.credentials.safeParse({ username: "u", password: "p" }).success).toBe(true);
    expect(infobip.credentials.safeParse({ username: "u" }).success).toBe(false);
    expect(infobip.credentials.safeParse({ username: "u", password: "p", signingKey: "k" }).success).toBe(false);
  });
});

describe("infobip fixtures", () => {
  const registry = new PluginRegistry([infobip]);
  const loaded = loadFixtures([new URL("../../../fixtures/infobip/", import.meta.url).pathname]);
  it("has fixtures", () => expect(loaded.length).toBeGreaterThanOrEqual(8));
  for (const fixture of loaded) {
    it(fixture.ok ? fixture.fixture.name : fixture.file, async () => {
      const result = await runFixture(fixture, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
