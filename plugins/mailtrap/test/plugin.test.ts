import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { basicAuthHeader, inboundRequest, normalize } from "@tidings/core";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { BLOCKING_CATEGORIES, EVENTS, mailtrap, SIGNATURE_HEADER } from "../src/index.js";

const keys = new URL("../../../fixtures/mailtrap/keys/", import.meta.url);
const secret = (file: string) => readFileSync(new URL(file, keys), "utf8").trim();
const KEY = secret("test-signing-key.txt");
const PREVIOUS_KEY = secret("test-previous-signing-key.txt");
const OTHER_KEY = secret("test-other-signing-key.txt");
const NOW = new Date("2026-01-15T10:00:00.000Z");

/** Mailtrap's scheme, written here with node:crypto rather than core's blocks so the test checks them. */
const sign = (body: string | Uint8Array, key = KEY) => createHmac("sha256", key).update(body).digest("hex");

/** Every category of https://docs.mailtrap.io/email-api-smtp/deliverability/bounce-categorization. */
const CATEGORIES = [
  "transientfail", "greylisting", "badsender", "block", "content", "dnsFail", "generalfail", "other", "relayfail",
  "serverfail", "spam", "verifyfail", "timeout", "badrecipient", "overquota", "serverpolicy", "spam_gmail",
];
const PERMANENT_CATEGORIES = CATEGORIES.filter((category) => !BLOCKING_CATEGORIES.has(category.toLowerCase()));

const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase(), name.charAt(0).toUpperCase() + name.slice(1));

/** The fields that give a raw event the mapping key `name` (a documented key, or any other text as `event`). */
function nameFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  switch (name) {
    case "bounce":
      return fc.record({ event: anyCase("bounce"), bounce_category: fc.constantFrom(...PERMANENT_CATEGORIES) }, { requiredKeys: ["event"] });
    case "bounce:blocked":
      return fc.record({ event: anyCase("bounce"), bounce_category: fc.constantFrom(...BLOCKING_CATEGORIES).chain(anyCase) });
    case "soft bounce":
      return fc.record({ event: fc.constantFrom("soft bounce", "Soft Bounce", "soft_bounce"), bounce_category: fc.constantFrom(...CATEGORIES) }, { requiredKeys: ["event"] });
    case "activity_log.*":
      return fc.stringMatching(/^[a-z_]{1,12}\.[a-z_]{1,12}$/).map((action) => ({ event: `activity_log.${action}` }));
    default:
      return ((EVENTS as readonly string[]).includes(name) ? anyCase(name) : fc.constant(name)).map((event) => ({ event }));
  }
}

function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        timestamp: fc.integer({ min: 1_400_000_000, max: 2_000_000_000 }),
        message_id: fc.uuid(),
        event_id: fc.uuid(),
        email: fc.emailAddress(),
        sending_stream: fc.constantFrom("transactional", "bulk"),
        sending_domain_name: fc.domain(),
        category: fc.string({ maxLength: 12 }),
        custom_variables: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()), { maxKeys: 3 }),
        response: fc.constantFrom("4.7.1 Temporary error, please retry", "550 5.1.1 user unknown", "[CS01] Message rejected", ""),
        response_code: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.integer()),
        reason: fc.string({ maxLength: 40 }),
        ip: fc.ipV4(),
        user_agent: fc.string({ minLength: 1, maxLength: 40 }),
        url: fc.webUrl(),
      },
      { requiredKeys: ["timestamp"] },
    )
    .chain((fields) => nameFields(name).map((named) => ({ ...fields, ...named })));
}

/** A JSON batch of 1-5 events, compact or indented, signed with the current or the previous secret. */
function mailtrapRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ events: fc.array(rawEvent(name), { minLength: 1, maxLength: 5 }), indent: fc.constantFrom(0, 2), key: fc.constantFrom(KEY, PREVIOUS_KEY) })
    .map(({ events, indent, key }) => {
      const body = JSON.stringify({ events }, null, indent);
      return { contentType: "application/json", body, headers: { [SIGNATURE_HEADER]: sign(body, key) } };
    });
}

testPlugin({ plugin: mailtrap, credentials: { signingKey: [PREVIOUS_KEY, KEY] }, now: NOW, requestFor: mailtrapRequest });

const DELIVERY = { event: "delivery", timestamp: 1728669700, message_id: "1df37d17-0286-4d8b-8edf-bc4ec5be86e6", email: "receiver@example.com", event_id: "bede7236-2284-43d6-a953-1fdcafd0fdbc" };
const signedBody = JSON.stringify({ events: [DELIVERY] });

testSignatures({
  plugin: mailtrap,
  credentials: { signingKey: KEY },
  wrongCredentials: { signingKey: OTHER_KEY },
  now: NOW,
  validRequest: { contentType: "application/json", body: signedBody, headers: { [SIGNATURE_HEADER]: sign(signedBody) } },
  stripHeaders: [SIGNATURE_HEADER],
  exempt: { "a stale request is unauthorized": "Mailtrap signs the body alone, with no time; a re-delivery is recognized by its event_id" },
});

function run(body: string | Uint8Array, headers: Record<string, string> = {}, credentials: unknown = undefined) {
  const parsed = credentials === undefined ? undefined : mailtrap.credentials.parse(credentials);
  return normalize(mailtrap, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), { credentials: parsed, now: NOW });
}

/** One event in a batch, mapped without credentials. */
const one = (event: Record<string, unknown>) => run(JSON.stringify({ events: [{ ...DELIVERY, ...event }] }));

describe("mailtrap names", () => {
  it('reads "soft bounce" in any case, and the Email Logs spelling soft_bounce, as deferred', () => {
    for (const event of ["soft bounce", "Soft Bounce", "SOFT BOUNCE", "soft_bounce"]) {
      expect(one({ event })).toMatchObject({ results: [{ event: { status: "deferred" } }] });
    }
  });

  it("leaves other spellings of soft bounce unmapped", () => {
    for (const event of ["softbounce", "soft-bounce", "soft  bounce"]) {
      expect(one({ event })).toMatchObject({ results: [], unmapped: [{ code: "unknown_event", name: event }] });
    }
  });

  it("a bounce is blocked exactly when its category is a policy or reputation refusal", () => {
    for (const category of CATEGORIES) {
      const expected = BLOCKING_CATEGORIES.has(category.toLowerCase()) ? "blocked" : "bounced";
      expect(one({ event: "bounce", bounce_category: category })).toMatchObject({ results: [{ event: { status: expected } }] });
    }
    expect([...BLOCKING_CATEGORIES].sort()).toEqual(["block", "content", "serverpolicy", "spam", "spam_gmail"]);
    expect(one({ event: "bounce", bounce_category: "SPAM_GMAIL" })).toMatchObject({ results: [{ event: { status: "blocked" } }] });
    expect(one({ event: "bounce" })).toMatchObject({ results: [{ event: { status: "bounced" } }] });
    expect(one({ event: "bounce", bounce_category: 7 })).toMatchObject({ results: [{ event: { status: "bounced" } }] });
  });

  it("a soft bounce stays deferred whatever its category", () => {
    expect(one({ event: "soft bounce", bounce_category: "block" })).toMatchObject({ results: [{ event: { status: "deferred" } }] });
  });

  it("ignores any Audit Log event, and nothing that only resembles one", () => {
    expect(one({ event: "activity_log.user.login" })).toMatchObject({ results: [], ignored: [{ name: "activity_log.*" }] });
    expect(one({ event: "activity_log.sending_domain.deleted" })).toMatchObject({ ignored: [{ name: "activity_log.*" }] });
    for (const event of ["activity_log", "activity_logs.user.login", "audit_log.user.login"]) {
      expect(one({ event })).toMatchObject({ ignored: [], unmapped: [{ code: "unknown_event" }] });
    }
  });
});

describe("mailtrap batches", () => {
  it("maps every event of a batch in order", () => {
    const events = ["delivery", "open", "click", "spam"].map((event, i) => ({ ...DELIVERY, event, event_id: `e-${i}` }));
    const outcome = run(JSON.stringify({ events }));
    expect(outcome).toMatchObject({ ok: true, results: [{ id: "e-0" }, { id: "e-1" }, { id: "e-2" }, { id: "e-3" }] });
  });

  it("takes a lone event object, the shape of the SDKs' signature vector, as one event", () => {
    expect(run(JSON.stringify(DELIVERY))).toMatchObject({ results: [{ id: DELIVERY.event_id, event: { status: "delivered" } }] });
  });

  it("keeps a body with no events list as one reported item", () => {
    for (const body of [{ events: "delivery" }, { events: { event: "delivery" } }, [DELIVERY]]) {
      expect(run(JSON.stringify(body))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    }
  });

  it("an empty batch maps to nothing and fails nothing", () => {
    expect(run(JSON.stringify({ events: [] }))).toMatchObject({ ok: true, results: [], ignored: [], unmapped: [] });
  });
});

describe("mailtrap readers", () => {
  it("reads timestamp as Unix seconds, digits as text too, and leaves an unusable time unmapped", () => {
    expect(one({ timestamp: "1728669700" })).toMatchObject({ results: [{ event: { date: "2024-10-11T18:01:40.000Z" } }] });
    for (const timestamp of ["2024-10-11T18:01:40Z", "soon", -5, 1e15, null]) {
      expect(one({ timestamp })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
    }
  });

  it("takes the SMTP code from response_code, or from the reply when response_code is not one", () => {
    const bounce = { event: "bounce", response: "550 5.1.1 user unknown" };
    expect(one({ ...bounce, response_code: 551 })).toMatchObject({ results: [{ details: { smtpCode: "551", enhancedStatus: "5.1.1" } }] });
    expect(one({ ...bounce, response_code: 999 })).toMatchObject({ results: [{ details: { smtpCode: "550" } }] });
    expect(one({ ...bounce, response_code: "abc" })).toMatchObject({ results: [{ details: { smtpCode: "550" } }] });
  });

  it("gives permanent bounces the reason their category names", () => {
    const reason = (bounce_category: string) => (one({ event: "bounce", bounce_category }) as { results: { details?: { rejectReason?: string } }[] }).results[0]?.details?.rejectReason;
    expect(reason("badrecipient")).toBe("invalid");
    expect(reason("timeout")).toBe("timed_out");
    expect(reason("overquota")).toBe("bounced");
    expect(reason("block")).toBe("blocked");
  });

  it("reads a reject's suppression type from its reason", () => {
    const reasonOf = (reason: string) => (one({ event: "reject", reason }) as { results: { details?: { rejectReason?: string } }[] }).results[0]?.details?.rejectReason;
    expect(reasonOf("Recipient in suppression list. Reason: unsubscription")).toBe("unsubscribed");
    expect(reasonOf("Recipient in suppression list. Reason: hard bounce")).toBe("bounced");
    expect(reasonOf("Recipient in suppression list. Reason: Spam Complaint.")).toBe("spam");
    expect(reasonOf("Recipient in suppression list. Reason: manual import")).toBe("other");
    expect(reasonOf("Sending domain was not verified in time")).toBe("other");
    expect(reasonOf("Reason: unsubscription")).toBe("other");
  });

  it("a suspension says why, and no rejection reason: Mailtrap may still send the message", () => {
    const reason = "Your account has reached its daily sending limit.";
    const [result] = (one({ event: "suspension", reason }) as { results: { event: { status: string }; details?: Record<string, unknown> }[] }).results;
    expect(result!.event.status).toBe("delayed");
    expect(result!.details).toEqual({ recipient: "receiver@example.com", description: reason });
  });

  it("puts the clicked URL only on clicks, and reply details only on bounces", () => {
    const click = one({ event: "click", url: "https://example.com/a" });
    expect(click).toMatchObject({ results: [{ event: { response: "https://example.com/a" }, details: { clickUrl: "https://example.com/a" } }] });
    const open = one({ event: "open", url: "https://example.com/a", response: "250 OK", response_code: 250, bounce_category: "other" });
    expect(open).toMatchObject({ results: [{ event: { status: "opened" } }] });
    const [result] = (open as { results: { event: { response?: string }; details?: Record<string, unknown> }[] }).results;
    expect(result!.event.response).toBeUndefined();
    expect(result!.details).not.toHaveProperty("clickUrl");
    expect(result!.details).not.toHaveProperty("mtaResponse");
    expect(result!.details).not.toHaveProperty("smtpCode");
  });

  it("leaves out values longer than the schema allows instead of losing the event", () => {
    const long = "x".repeat(9000);
    const outcome = one({
      event: "click",
      event_id: "e".repeat(600),
      url: `https://example.com/${long}`,
      category: "c".repeat(2000),
      custom_variables: { [long.slice(0, 300)]: "too long a key", user_id: "123", note: long },
    });
    expect(outcome).toMatchObject({ results: [{ event: { status: "clicked" }, details: { metadata: { user_id: "123" } } }] });
    const [result] = (outcome as { results: { id: string; details?: Record<string, unknown> }[] }).results;
    expect(result!.id).not.toBe("e".repeat(600));
    expect(result!.details).not.toHaveProperty("clickUrl");
    expect(result!.details).not.toHaveProperty("tags");
    expect(Object.keys(result!.details!["metadata"] as object)).toEqual(["user_id"]);
  });
});

describe("mailtrap verification", () => {
  const headers = { [SIGNATURE_HEADER]: sign(signedBody) };

  it("verifies the signature, and only the signature when no basic auth is configured", () => {
    expect(run(signedBody, headers, { signingKey: KEY })).toMatchObject({ ok: true, verified: true });
    expect(run(signedBody, headers, { signingKey: [OTHER_KEY, KEY] })).toMatchObject({ ok: true, verified: true });
    expect(run(signedBody, headers, { signingKey: [OTHER_KEY, PREVIOUS_KEY] })).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
  });

  it("refuses a signature that is not a hex SHA-256 digest", () => {
    for (const signature of [sign(signedBody).slice(0, 63), `${sign(signedBody)}00`, "z".repeat(64), `sha256=${sign(signedBody)}`]) {
      expect(run(signedBody, { [SIGNATURE_HEADER]: signature }, { signingKey: KEY })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("with nothing configured the request passes unverified, saying why", () => {
    expect(run(signedBody, headers)).toMatchObject({ ok: true, verified: false });
    const outcome = normalize(mailtrap, inboundRequest({ headers: { "content-type": "application/json" }, body: signedBody }), { credentials: {}, now: NOW });
    expect(outcome).toMatchObject({ ok: true, verified: false });
  });

  it("with only basic auth configured a signature is not needed, and the pair is", () => {
    const basic = { username: "mailtrap", password: "hook-password" };
    expect(run(signedBody, { authorization: basicAuthHeader("mailtrap", "hook-password") }, basic)).toMatchObject({ ok: true, verified: true });
    expect(run(signedBody, headers, basic)).toMatchObject({ ok: false, error: { code: "unauthorized", location: "authorization" } });
  });

  it("a signature over any generated batch verifies, and any single-byte change fails", () => {
    const batch = fc.constantFrom(...EVENTS).chain((name) => fc.array(rawEvent(name), { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(batch, fc.nat(), fc.integer({ min: 1, max: 255 }), (events, at, flip) => {
        const body = Buffer.from(JSON.stringify({ events }));
        const signature = { [SIGNATURE_HEADER]: sign(body) };
        expect(run(body, signature, { signingKey: KEY })).toMatchObject({ ok: true, verified: true });
        const tampered = Buffer.from(body);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(run(tampered, signature, { signingKey: KEY })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("accepts the shared credential fields only", () => {
    const parse = (value: unknown) => mailtrap.credentials.safeParse(value);
    expect(parse({ signingKey: KEY }).success).toBe(true);
    expect(parse({ signingKey: [PREVIOUS_KEY, KEY], username: "u", password: "p" }).success).toBe(true);
    expect(parse({}).success).toBe(true);
    for (const wrong of [{ signingKey: "" }, { signingKey: [] }, { signingSecret: KEY }, { username: "only-user" }, { signingKey: 42 }]) {
      expect(parse(wrong).success).toBe(false);
    }
  });
});
