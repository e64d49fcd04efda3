import { createHmac } from "node:crypto";
import fc from "fast-check";
import { rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { mandrill, PROBE_KEY, SIGNATURE_HEADER } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
const WEBHOOK_URL = "https://hooks.example.com/v2/inbound-webhooks/delivery-providers/demo/mandrill";
const OLD_KEY = "tidings-test-key-old";
const NEW_KEY = "tidings-test-key-new";
/** A rotation in progress: both keys must verify. */
const CREDENTIALS = { signingKey: [OLD_KEY, NEW_KEY], url: WEBHOOK_URL };
const FORM = "application/x-www-form-urlencoded";

/**
 * The signature as Mandrill's page describes it, written out here rather than through core's
 * blocks: HMAC-SHA1 of the URL and each field's name and decoded value, sorted by name, base64.
 */
function mandrillSignature(key: string, url: string, fields: Readonly<Record<string, string>>): string {
  const signed = url + Object.keys(fields).sort().map((name) => name + fields[name]).join("");
  return createHmac("sha1", key).update(signed, "utf8").digest("base64");
}

/** As PHP writes them: json_encode escapes "/", urlencode writes spaces as "+" and escapes !'()*~. */
const phpJson = (value: unknown) => JSON.stringify(value).replace(/\//g, "\\/");
const phpUrlencode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, "+");
const formBody = (fields: Readonly<Record<string, string>>) => Object.entries(fields).map(([name, value]) => `${phpUrlencode(name)}=${phpUrlencode(value)}`).join("&");

function signedRequest(fields: Readonly<Record<string, string>>, key = NEW_KEY, url = WEBHOOK_URL): SuiteRequest {
  return { contentType: FORM, body: formBody(fields), headers: { [SIGNATURE_HEADER]: mandrillSignature(key, url, fields) } };
}

const eventsRequest = (events: readonly unknown[], key = NEW_KEY, url = WEBHOOK_URL) => signedRequest({ mandrill_events: phpJson(events) }, key, url);

const MESSAGE_EVENTS = ["send", "delivered", "deferral", "hard_bounce", "soft_bounce", "open", "click", "spam", "unsub", "reject"];
const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase());

/** The fields that name a raw event `name`: `event`, or a sync event's `type`, or any other text as `event`. */
function named(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name.startsWith("sync:")) return fc.record({ type: anyCase(name.slice(5)), action: fc.constantFrom("add", "remove", "change") });
  return anyCase(name).map((event) => ({ event }));
}

const smtpEvent = fc.record({
  ts: fc.integer({ min: 1_300_000_000, max: 2_000_000_000 }),
  type: fc.constantFrom("sent", "deferred", "soft-bounced"),
  diag: fc.constantFrom("250 2.0.0 OK", "451 4.3.5 Temporarily unavailable, try again later.", "smtp;552 5.2.2 Over Quota"),
  source_ip: fc.ipV4(),
  destination_ip: fc.ipV4(),
  size: fc.nat(),
});

const message = fc.record(
  {
    ts: fc.integer({ min: 1_300_000_000, max: 2_000_000_000 }),
    _id: fc.stringMatching(/^[0-9a-f]{32}$/),
    email: fc.emailAddress(),
    sender: fc.emailAddress(),
    subject: fc.string({ maxLength: 30 }),
    tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string({ maxLength: 12 }), fc.integer())),
    state: fc.constantFrom("sent", "deferred", "bounced", "soft-bounced", "rejected", "spam", "unsub"),
    smtp_events: fc.array(smtpEvent, { maxLength: 3 }),
    bounce_description: fc.constantFrom("bad_mailbox", "mailbox_full", "invalid_domain"),
    diag: fc.constantFrom("smtp;550 5.1.1 The email account that you tried to reach does not exist.", "smtp;552 5.2.2 Over Quota"),
    reject: fc.option(fc.record({ reason: fc.constantFrom("hard-bounce", "soft-bounce", "spam", "unsub", "custom"), detail: fc.string({ maxLength: 20 }) })),
  },
  { requiredKeys: ["_id", "email"] },
);

/** One raw event named `name`, with the fields its kind of event carries. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  const ts = fc.integer({ min: 1_300_000_000, max: 2_000_000_000 });
  if (name.startsWith("sync:")) {
    return fc.record({ named: named(name), ts, email: fc.emailAddress() }).map(({ named: fields, ts, email }) => ({ ...fields, reject: { reason: "hard-bounce", email }, ts }));
  }
  return fc
    .record({ named: named(name), msg: message, ts, ip: fc.ipV4(), user_agent: fc.string({ minLength: 1, maxLength: 30 }), url: fc.webUrl() })
    .map(({ named: fields, msg, ...rest }) => ({ ...fields, msg, _id: msg["_id"], ...rest }));
}

/** Mandrill's POST: one form field holding a JSON array of 1-4 events, signed with one of the rotated keys. */
function mandrillRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ events: fc.array(rawEvent(name), { minLength: 1, maxLength: 4 }), key: fc.constantFrom(OLD_KEY, NEW_KEY) })
    .map(({ events, key }) => eventsRequest(events, key));
}

testPlugin({ plugin: mandrill, credentials: CREDENTIALS, now: NOW, requestFor: mandrillRequest });

const SEND_SAMPLE = {
  event: "send",
  msg: { ts: 1365109999, subject: "This an example webhook message", email: "example.webhook@mandrillapp.com", tags: ["webhook-example"], state: "sent", metadata: { user_id: 111 }, _id: "exampleaaaaaaaaaaaaaaaaaaaaaaaaa" },
  _id: "exampleaaaaaaaaaaaaaaaaaaaaaaaaa",
  ts: 1384954004,
};

testSignatures({
  plugin: mandrill,
  credentials: { signingKey: NEW_KEY, url: WEBHOOK_URL },
  wrongCredentials: { signingKey: "another-webhook-key", url: WEBHOOK_URL },
  now: NOW,
  validRequest: eventsRequest([SEND_SAMPLE]),
  stripHeaders: [SIGNATURE_HEADER],
  exempt: { "a stale request is unauthorized": "Mandrill signs no time: the signature covers only the URL and the fields" },
});

/** `null` runs without credentials. */
const run = (request: SuiteRequest, credentials: unknown = CREDENTIALS) =>
  normalize(mandrill, inboundRequest({ headers: { ...request.headers, "content-type": request.contentType }, body: request.body }), {
    credentials: credentials === null ? undefined : mandrill.credentials.parse(credentials),
    now: NOW,
  });
const UNAUTHORIZED = { ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } };

describe("mandrill signature", () => {
  it("sorts the fields by name and signs their decoded values", () => {
    const fields = { zeta: "last one", mandrill_events: phpJson([SEND_SAMPLE]), alpha: "a+b & c/d" };
    expect(run(signedRequest(fields))).toMatchObject({ ok: true, verified: true, results: [{ event: { status: "sent" } }] });
    const inPostedOrder = createHmac("sha1", NEW_KEY)
      .update(WEBHOOK_URL + Object.entries(fields).map(([name, value]) => name + value).join(""))
      .digest("base64");
    expect(run({ ...signedRequest(fields), headers: { [SIGNATURE_HEADER]: inPostedOrder } })).toMatchObject(UNAUTHORIZED);
  });

  it("covers the URL as configured: another URL, a trailing slash or another scheme fail", () => {
    for (const other of [`${WEBHOOK_URL}/`, WEBHOOK_URL.replace("https:", "http:"), "https://hooks.example.com/mandrill"]) {
      expect(run(eventsRequest([SEND_SAMPLE], NEW_KEY, other))).toMatchObject(UNAUTHORIZED);
      expect(run(eventsRequest([SEND_SAMPLE], NEW_KEY, other), { signingKey: NEW_KEY, url: [WEBHOOK_URL, other] })).toMatchObject({ ok: true, verified: true });
    }
  });

  it("signs a URL carrying basic auth with its credentials, exactly as entered", () => {
    const withAuth = "https://mandrill:s3cret@hooks.example.com/hook?tenant=a%20b";
    expect(mandrill.credentials.parse({ signingKey: NEW_KEY, url: withAuth })).toMatchObject({ url: withAuth });
    expect(run(eventsRequest([SEND_SAMPLE], NEW_KEY, withAuth), { signingKey: NEW_KEY, url: withAuth })).toMatchObject({ ok: true, verified: true });
    expect(run(eventsRequest([SEND_SAMPLE], NEW_KEY, WEBHOOK_URL), { signingKey: NEW_KEY, url: withAuth })).toMatchObject(UNAUTHORIZED);
  });

  it("accepts the generic test-webhook key only for the empty URL check", () => {
    const probe = eventsRequest([], PROBE_KEY);
    expect(run(probe)).toMatchObject({ ok: true, verified: true, results: [], ignored: [], unmapped: [] });
    expect(run(signedRequest({ mandrill_events: "[ ]" }, PROBE_KEY))).toMatchObject({ ok: true, verified: true, results: [] });
    expect(run(eventsRequest([SEND_SAMPLE], PROBE_KEY))).toMatchObject(UNAUTHORIZED);
    expect(run(signedRequest({ mandrill_events: "[]", extra: "x" }, PROBE_KEY))).toMatchObject(UNAUTHORIZED);
    expect(run(eventsRequest([], PROBE_KEY, `${WEBHOOK_URL}/`))).toMatchObject(UNAUTHORIZED);
  });

  it("answers a signed empty array with no events", () => {
    expect(run(eventsRequest([]))).toMatchObject({ ok: true, verified: true, results: [], ignored: [], unmapped: [] });
  });

  it("refuses a missing, malformed or hex signature", () => {
    const request = eventsRequest([SEND_SAMPLE]);
    const hex = createHmac("sha1", NEW_KEY).update(WEBHOOK_URL + "mandrill_events" + phpJson([SEND_SAMPLE])).digest("hex");
    for (const signature of ["", "not base64!", hex]) {
      expect(run({ ...request, headers: { [SIGNATURE_HEADER]: signature } })).toMatchObject(UNAUTHORIZED);
    }
  });

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(run(eventsRequest([SEND_SAMPLE]), null)).toMatchObject({ ok: true, verified: false });
  });
});

describe("mandrill credentials", () => {
  const issues = (value: unknown) => mandrill.credentials.safeParse(value).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);

  it("needs the URL with the key, and the key with the URL", () => {
    expect(issues({ signingKey: NEW_KEY })).toEqual([expect.stringMatching(/^url: required with signingKey: Mandrill signs the webhook URL exactly as entered/)]);
    expect(issues({ url: WEBHOOK_URL })).toEqual([expect.stringMatching(/^signingKey: required with url/)]);
    expect(issues({ signingKey: NEW_KEY, url: WEBHOOK_URL })).toBeUndefined();
    expect(issues({ username: "u", password: "p" })).toBeUndefined();
  });

  it("refuses a URL that is not http(s) and fields it does not know", () => {
    expect(issues({ signingKey: NEW_KEY, url: "ftp://hooks.example.com/x" })).toBeDefined();
    expect(issues({ signingKey: NEW_KEY, url: WEBHOOK_URL, webhookKey: "x" })).toEqual([expect.stringContaining('unexpected field "webhookKey"')]);
  });
});

describe("mandrill names and splitting", () => {
  const single = (event: unknown) => run(eventsRequest([event]));

  it("compares event names and sync types without regard to case", () => {
    expect(single({ ...SEND_SAMPLE, event: "Hard_Bounce" })).toMatchObject({ results: [{ event: { status: "bounced" } }] });
    expect(single({ type: "Blacklist", action: "add", ts: 1384954004 })).toMatchObject({ ignored: [{ name: "sync:blacklist" }] });
    expect(single({ type: "allowlist", action: "add", ts: 1384954004 })).toMatchObject({ ignored: [{ name: "sync:allowlist" }] });
  });

  it("keeps what is not an event: an event name that is not text, a sync type it does not know", () => {
    expect(single({ ...SEND_SAMPLE, event: 7 })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    expect(single({ type: "greylist", ts: 1384954004 })).toMatchObject({ unmapped: [{ code: "unknown_event", name: "sync:greylist" }] });
    expect(single({ ts: 1384954004 })).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
  });

  it("takes a lone event object as one event, and keeps a body without mandrill_events whole", () => {
    const lone = { mandrill_events: phpJson(SEND_SAMPLE) };
    expect(run(signedRequest(lone))).toMatchObject({ results: [{ event: { status: "sent" } }] });
    const other = { events: phpJson([SEND_SAMPLE]) };
    expect(run(signedRequest(other))).toMatchObject({ ok: true, results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("mandrill readers", () => {
  const single = (event: unknown) => {
    const outcome = run(eventsRequest([event]));
    if (!outcome.ok || outcome.results.length !== 1) throw new Error(`expected one result: ${JSON.stringify(outcome)}`);
    return outcome.results[0]!;
  };

  it("dates events by ts, unix seconds as a number or as digits", () => {
    expect(single({ ...SEND_SAMPLE, ts: 1384954004 }).event.date).toBe("2013-11-20T13:26:44.000Z");
    expect(single({ ...SEND_SAMPLE, ts: "1384954004" }).event.date).toBe("2013-11-20T13:26:44.000Z");
  });

  it("reads the message id from msg._id, else the event's _id", () => {
    expect(single({ ...SEND_SAMPLE, _id: "event-level" }).event.externalId).toBe("exampleaaaaaaaaaaaaaaaaaaaaaaaaa");
    const { _id: _dropped, ...msg } = SEND_SAMPLE.msg;
    expect(single({ ...SEND_SAMPLE, msg }).event.externalId).toBe("exampleaaaaaaaaaaaaaaaaaaaaaaaaa");
  });

  it("hashes each event: a re-delivery keeps its id, two clicks of one message in the same second do not share one", () => {
    const click = { event: "click", msg: SEND_SAMPLE.msg, _id: SEND_SAMPLE._id, ts: 1384954004, url: "https://example.com/a" };
    const other = { ...click, url: "https://example.com/b" };
    const first = run(eventsRequest([click, other]));
    const again = run(eventsRequest([other, click], OLD_KEY));
    if (!first.ok || !again.ok) throw new Error("a signed batch failed");
    expect(first.results.map((r) => r.id)).toEqual([rowHash(JSON.stringify(click)), rowHash(JSON.stringify(other))]);
    expect(new Set(first.results.map((r) => r.id)).size).toBe(2);
    expect(again.results.map((r) => r.id).reverse()).toEqual(first.results.map((r) => r.id));
  });

  it("takes the receiving server's reply from diag, else from the latest smtp_events entry", () => {
    const deferral = {
      ...SEND_SAMPLE,
      event: "deferral",
      msg: { ...SEND_SAMPLE.msg, smtp_events: [{ type: "deferred", diag: "421 4.7.0 Try again later" }, { type: "deferred", diag: "451 4.3.5 Temporarily unavailable" }] },
    };
    expect(single(deferral)).toMatchObject({
      event: { status: "deferred", response: "451 4.3.5 Temporarily unavailable" },
      details: { bounceClass: "soft", smtpCode: "451", enhancedStatus: "4.3.5", mtaResponse: "451 4.3.5 Temporarily unavailable" },
    });
    const bounce = { ...deferral, event: "hard_bounce", msg: { ...deferral.msg, diag: "SMTP; 550 5.1.1 unknown user", bounce_description: "bad_mailbox" } };
    expect(single(bounce)).toMatchObject({
      event: { status: "bounced", response: "SMTP; 550 5.1.1 unknown user; bad_mailbox" },
      details: { bounceClass: "hard", rejectReason: "bounced", smtpCode: "550", enhancedStatus: "5.1.1", description: "bad_mailbox" },
    });
  });

  it("reads why a message was rejected from its denylist entry, and says other without one", () => {
    const reject = (entry: unknown) => single({ ...SEND_SAMPLE, event: "reject", msg: { ...SEND_SAMPLE.msg, state: "rejected", reject: entry } });
    expect(reject({ reason: "hard-bounce", detail: "smtp;550 5.1.1 unknown" })).toMatchObject({
      event: { status: "dropped", response: "hard-bounce; smtp;550 5.1.1 unknown" },
      details: { rejectReason: "bounced", description: "smtp;550 5.1.1 unknown" },
    });
    expect(reject({ reason: "unsub" }).details).toMatchObject({ rejectReason: "unsubscribed" });
    expect(reject({ reason: "SPAM" }).details).toMatchObject({ rejectReason: "spam" });
    expect(reject({ reason: "constructor" }).details).toMatchObject({ rejectReason: "other" });
    expect(reject(null).details).toMatchObject({ rejectReason: "other" });
  });

  it("puts client and SMTP details only on the events they describe", () => {
    const extras = { ip: "127.0.0.1", user_agent: "Postbox", url: "http://mandrill.com", msg: { ...SEND_SAMPLE.msg, diag: "smtp;250 OK" } };
    const spam = single({ ...SEND_SAMPLE, ...extras, event: "spam" });
    expect(spam.details).not.toHaveProperty("ip");
    expect(spam.details).not.toHaveProperty("mtaResponse");
    expect(spam.event).not.toHaveProperty("response");
    const open = single({ ...SEND_SAMPLE, ...extras, event: "open" });
    expect(open.details).toMatchObject({ ip: "127.0.0.1", userAgent: "Postbox" });
    expect(open.details).not.toHaveProperty("clickUrl");
    expect(single({ ...SEND_SAMPLE, ...extras, event: "click" })).toMatchObject({ event: { response: "http://mandrill.com" }, details: { clickUrl: "http://mandrill.com" } });
  });
});

describe("mandrill fixtures", () => {
  const registry = new PluginRegistry([mandrill]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/mandrill/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
