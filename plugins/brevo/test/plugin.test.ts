import fc from "fast-check";
import { basicAuthHeader, inboundRequest, normalize, parseCredentials, type NormalizeOutcome } from "@tidings/core";
import { testPlugin, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { brevo } from "../src/index.js";

/** Two pairs, as while a password is being rotated. */
const CREDENTIALS = { username: ["brevo-hook", "brevo-hook"], password: ["old-secret-1", "new-secret-2"] };
const AUTH = basicAuthHeader("brevo-hook", "new-secret-2");

/** Every time field Brevo may send: ts_epoch in milliseconds or (as in its own examples) seconds, ts_event in seconds. */
const times = fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }).chain((seconds) =>
  fc.oneof(
    fc.record({ ts_epoch: fc.integer({ min: 0, max: 999 }).map((ms) => seconds * 1000 + ms), ts_event: fc.constant(seconds) }),
    fc.record({ ts_epoch: fc.constant(seconds) }),
    fc.record({ ts_event: fc.constant(seconds) }),
  ),
);

/** A transactional event named `name` with the documented fields, any of them possibly absent. */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), fc.constant("")),
        id: fc.nat(),
        date: fc.constant("2020-10-09 00:00:00"),
        ts: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
        "message-id": fc.stringMatching(/^[0-9]{12}\.[0-9]{7}@smtp-relay\.mailin\.fr$/).chain((id) => fc.constantFrom(id, `<${id}>`)),
        subject: fc.string({ maxLength: 20 }),
        "X-Mailin-custom": fc.oneof(fc.string({ maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map((m) => JSON.stringify(m))),
        sending_ip: fc.ipV4(),
        template_id: fc.nat(),
        tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        tag: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }).map((tags) => JSON.stringify(tags)),
        reason: fc.string({ maxLength: 30 }),
        link: fc.webUrl(),
        user_agent: fc.string({ maxLength: 20 }),
        device_used: fc.constantFrom("DESKTOP", "MOBILE"),
        contact_id: fc.nat(),
      },
      { requiredKeys: [] },
    )
    .chain((fields) => times.map((time) => ({ ...fields, ...time, event: name })));
}

/** One event per call, or a batched list of them, with the rotated pair's newer password. */
export function brevoRequest(name: string): fc.Arbitrary<SuiteRequest> {
  const body = fc.oneof(rawEvent(name), fc.array(rawEvent(name), { minLength: 1, maxLength: 4 }));
  return body.map((value) => ({ contentType: "application/json" as const, body: JSON.stringify(value), headers: { authorization: AUTH } }));
}

testPlugin({ plugin: brevo, credentials: CREDENTIALS, requestFor: brevoRequest });

/** Credentials as the host holds them once the plugin's schema has parsed them. */
function configured(value: unknown): unknown {
  const parsed = parseCredentials(brevo, value);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credentials;
}

const CONFIGURED = configured(CREDENTIALS);

function run(body: unknown, headers: Record<string, string> = { authorization: AUTH }, options: { credentials?: unknown } = { credentials: CONFIGURED }): NormalizeOutcome {
  const request = inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return normalize(brevo, request, { credentials: options.credentials });
}

function only(outcome: NormalizeOutcome) {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  expect(outcome.results).toHaveLength(1);
  return outcome.results[0]!;
}

describe("brevo event time", () => {
  it("prefers ts_epoch (milliseconds) to ts_event and never reads date or ts", () => {
    const result = only(run({ event: "delivered", ts_epoch: 1724322809710, ts_event: 1724322000, ts: 1724329999, date: "2024-08-22 16:03:29" }));
    expect(result.event.date).toBe("2024-08-22T10:33:29.710Z");
  });

  it("reads a seconds-valued ts_epoch, as Brevo's examples show it, as seconds", () => {
    expect(only(run({ event: "delivered", ts_epoch: 1604933654 })).event.date).toBe("2020-11-09T14:54:14.000Z");
  });

  it("falls back to ts_event when ts_epoch is absent or unusable", () => {
    expect(only(run({ event: "spam", ts_event: 1604933654 })).event.date).toBe("2020-11-09T14:54:14.000Z");
    expect(only(run({ event: "spam", ts_epoch: "soon", ts_event: 1604933654 })).event.date).toBe("2020-11-09T14:54:14.000Z");
  });

  it("leaves an event with only zoned-by-account times unmapped rather than guess", () => {
    const outcome = run({ event: "delivered", ts: 1604933619, date: "2020-10-09 00:00:00" });
    expect(outcome).toMatchObject({ ok: true, results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("brevo fields", () => {
  it("strips the angle brackets of message-id for externalId", () => {
    expect(only(run({ event: "request", ts_epoch: 1604933654, "message-id": "<202312211546.94160606300@smtp-relay.mailin.fr>" })).event.externalId).toBe(
      "202312211546.94160606300@smtp-relay.mailin.fr",
    );
  });

  it("reads the receiver's reason as the MTA response of bounces and deferrals, with its SMTP codes", () => {
    const result = only(run({ event: "hard_bounce", ts_epoch: 1604933653, email: "a@example.com", reason: "550 5.1.1 user unknown" }));
    expect(result.event).toMatchObject({ status: "bounced", response: "550 5.1.1 user unknown" });
    expect(result.details).toEqual({
      recipient: "a@example.com",
      bounceClass: "hard",
      rejectReason: "bounced",
      mtaResponse: "550 5.1.1 user unknown",
      smtpCode: "550",
      enhancedStatus: "5.1.1",
    });
    expect(only(run({ event: "soft_bounce", ts_epoch: 1, reason: "server is down" })).details).toEqual({ bounceClass: "soft", rejectReason: "bounced", mtaResponse: "server is down" });
    expect(only(run({ event: "deferred", ts_epoch: 1, reason: "421 try later" })).details).toEqual({ bounceClass: "soft", mtaResponse: "421 try later", smtpCode: "421" });
  });

  it("reads Brevo's own reason as a description for the events Brevo decides", () => {
    expect(only(run({ event: "blocked", ts_epoch: 1, reason: "blocklisted" })).details).toEqual({ rejectReason: "blocked", description: "blocklisted" });
    expect(only(run({ event: "invalid_email", ts_epoch: 1 })).details).toEqual({ rejectReason: "invalid" });
    expect(only(run({ event: "error", ts_epoch: 1 })).details).toEqual({ rejectReason: "other" });
    expect(only(run({ event: "complaint", ts_epoch: 1 })).details).toEqual({ rejectReason: "spam" });
  });

  it("gives the link as clickUrl and response of clicks only", () => {
    const click = only(run({ event: "CLICK", ts_epoch: 1, link: "https://domain.com/product", user_agent: "Mozilla/5.0", ip: "203.0.113.9" }));
    expect(click.event).toMatchObject({ status: "clicked", response: "https://domain.com/product" });
    expect(click.details).toEqual({ clickUrl: "https://domain.com/product", userAgent: "Mozilla/5.0", ip: "203.0.113.9" });
    const open = only(run({ event: "unique_proxy_open", ts_epoch: 1, link: "https://domain.com/product" }));
    expect(open.event.response).toBeUndefined();
    expect(open.details).toBeUndefined();
  });

  it("reads tags from `tags`, else from `tag` as JSON text, plain text or a list", () => {
    const tagsOf = (fields: Record<string, unknown>) => only(run({ event: "opened", ts_epoch: 1, ...fields })).details?.tags;
    expect(tagsOf({ tags: ["this_tag", "tag_thos"], tag: '["ignored"]' })).toEqual(["this_tag", "tag_thos"]);
    expect(tagsOf({ tag: '["transactionalTag"]' })).toEqual(["transactionalTag"]);
    expect(tagsOf({ tags: null, tag: "welcome-template" })).toEqual(["welcome-template"]);
    expect(tagsOf({ tag: ["a", "b"] })).toEqual(["a", "b"]);
    expect(tagsOf({ tag: "[not json" })).toEqual(["[not json"]);
    expect(tagsOf({ tags: [], tag: null })).toBeUndefined();
  });

  it("reads X-Mailin-custom as metadata: a JSON object's fields, or the header's text", () => {
    const metadataOf = (header: unknown) => only(run({ event: "delivered", ts_epoch: 1, "X-Mailin-custom": header })).details?.metadata;
    expect(metadataOf('{"order":"A-1","attempt":2}')).toEqual({ order: "A-1", attempt: "2" });
    expect(metadataOf("some_custom_header")).toEqual({ "X-Mailin-custom": "some_custom_header" });
    expect(metadataOf("[1,2]")).toEqual({ "X-Mailin-custom": "[1,2]" });
    expect(metadataOf("{broken")).toEqual({ "X-Mailin-custom": "{broken" });
    const polluted = metadataOf('{"__proto__":{"admin":"yes"},"constructor":"c"}')!;
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(Object.keys(polluted)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>)["admin"]).toBeUndefined();
  });

  it("leaves values too long for the details schema out instead of losing the event", () => {
    const long = "x".repeat(70_000);
    const result = only(run({ event: "hard_bounce", ts_epoch: 1, reason: long, email: long, tags: ["kept", long], "X-Mailin-custom": JSON.stringify({ a: "1", b: long }) }));
    expect(result.event.response).toBeUndefined();
    expect(result.details).toEqual({ tags: ["kept"], metadata: { a: "1" }, bounceClass: "hard", rejectReason: "bounced" });
    expect(only(run({ event: "opened", ts_epoch: 1, tags: Array.from({ length: 300 }, (_, i) => `t${i}`) })).details?.tags).toHaveLength(256);
  });

  it("takes a batched list as one event per item, and reports an item that is no event", () => {
    const outcome = run([{ event: "request", ts_epoch: 1 }, { event: "delivered", ts_epoch: 2 }, "not an event"]);
    expect(outcome).toMatchObject({ ok: true, results: [{ event: { status: "queued" } }, { event: { status: "delivered" } }], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("brevo basic auth", () => {
  const event = { event: "delivered", ts_epoch: 1604933654 };

  it("accepts either pair of a rotation and refuses a wrong or missing one", () => {
    expect(run(event, { authorization: basicAuthHeader("brevo-hook", "old-secret-1") })).toMatchObject({ ok: true, verified: true });
    expect(run(event, { authorization: basicAuthHeader("brevo-hook", "new-secret-2") })).toMatchObject({ ok: true, verified: true });
    expect(run(event, { authorization: basicAuthHeader("brevo-hook", "guess") })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(event, { authorization: basicAuthHeader("someone", "new-secret-2") })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(event, {})).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("leaves a call unverified when the integration has no credentials, for the host to decide", () => {
    expect(run(event, {}, { credentials: configured({}) })).toMatchObject({ ok: true, verified: false, results: [{ event: { status: "delivered" } }] });
    expect(run(event, {}, { credentials: undefined })).toMatchObject({ ok: true, verified: false, results: [{ event: { status: "delivered" } }] });
  });

  it("refuses credentials with a username and no password, or unknown fields", () => {
    expect(brevo.credentials.safeParse({ username: "u" }).success).toBe(false);
    expect(brevo.credentials.safeParse({ username: "u", password: "p", token: "t" }).success).toBe(false);
    expect(brevo.credentials.safeParse({ username: "u", password: ["p1", "p2"] }).success).toBe(true);
  });
});
