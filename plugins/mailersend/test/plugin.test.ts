import { createHmac } from "node:crypto";
import fc from "fast-check";
import { basicAuthHeader, rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { EVENTS, mailersend, PING_SECRET, SIGNATURE_HEADER } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
/** Test secrets, as MailerSend shows a webhook's signing secret: 32 letters and digits. */
const OLD_SECRET = "Xq3Tn8VbLr5Kw2Zm9Hc4Jd7Fs6Gp1Ya0";
const NEW_SECRET = "uE5oWk2Ni9Rb7Qv3Lt8Mx4Ca6Pz1Dh0Sj";
const CREDENTIALS = { signingKey: [OLD_SECRET, NEW_SECRET] };

const sign = (body: string | Uint8Array, secret: string) => createHmac("sha256", secret).update(body).digest("hex");

/** MailerSend's wire form: compact JSON with every `/` written `\/`. */
const wire = (payload: unknown) => JSON.stringify(payload).replace(/\//g, "\\/");

const signed = (body: string, secret = NEW_SECRET): SuiteRequest => ({ contentType: "application/json", body, headers: { [SIGNATURE_HEADER]: sign(body, secret) } });

const isoMicros = fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString().replace("Z", "000Z"));
const objectId = fc.stringMatching(/^[0-9a-f]{24}$/);

/** What each kind of activity adds, as webhooks 2.0 `meta` (or `[]`) and as legacy `morph` (or null). */
function extraFor(name: string): fc.Arbitrary<{ meta: unknown; morph: unknown }> {
  const client = fc.record({ ip: fc.ipV4(), user_agent: fc.string({ minLength: 1, maxLength: 40 }), country: fc.constantFrom("US", "LT") });
  const kind = name.replace("activity.", "");
  if (kind.startsWith("clicked")) {
    return fc.record({ c: client, url: fc.webUrl() }).map(({ c, url }) => ({ meta: { ...c, url }, morph: { object: "click", ip: c.ip, url } }));
  }
  if (kind.startsWith("opened") || kind === "survey_opened") return client.map((c) => ({ meta: c, morph: { object: "open", ip: c.ip } }));
  if (kind.endsWith("bounced") || kind === "deferred") {
    return fc
      .record({ reason: fc.constantFrom("Mailbox full", "550 5.1.1 user unknown", "Host or domain name not found"), code: fc.constantFrom(450, 452, 550, "550") })
      .map(({ reason, code }) => ({ meta: { bounce_reason: reason, bounce_code: code }, morph: { object: "recipient_bounce", reason } }));
  }
  if (kind === "unsubscribed") return fc.constant({ meta: { unsubscribe_reason: "NO_LONGER_WANT" }, morph: { object: "recipient_unsubscribe", reason: "option_3", readable_reason: "I get too many emails" } });
  if (kind === "suppressed") return fc.constantFrom("on_hold", "hard_bounce", "unsubscribe").map((reason) => ({ meta: { suppression_reason: reason }, morph: null }));
  return fc.constant({ meta: [], morph: null });
}

/** An activity named `name` in either payload version, with MailerSend's field values. */
function activity(name: string): fc.Arbitrary<unknown> {
  return fc
    .record({
      legacy: fc.boolean(),
      at: isoMicros,
      id: objectId,
      messageId: objectId,
      emailId: objectId,
      address: fc.emailAddress(),
      tags: fc.option(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }), { nil: null }),
      recipientKey: fc.constantFrom("recipient", "email"),
      extra: extraFor(name),
    })
    .map(({ legacy, at, id, messageId, emailId, address, tags, recipientKey, extra }) =>
      legacy
        ? {
            type: name,
            domain_id: "yv69oxl5kl785kw2",
            created_at: at,
            webhook_id: "2351ndgwr4zqx8ko",
            url: "https://your-domain.com/webhook",
            data: {
              object: "activity",
              id,
              type: name.replace("activity.", ""),
              created_at: at,
              email: {
                object: "email",
                id: emailId,
                created_at: at,
                from: "test@mailersend.com",
                subject: "Test email",
                status: "sent",
                tags,
                message: { object: "message", id: messageId, created_at: at },
                recipient: { object: "recipient", id: "5f6887d6fd913a6523283fd2", email: address, created_at: at },
              },
              template_id: "7nxe3yjmeq28vp0k",
              morph: extra.morph,
            },
          }
        : {
            type: name,
            created_at: at,
            data: { id, domain_id: "yv69oxl5kl785kw2", message_id: messageId, email_id: emailId, type: name.replace("activity.", ""), subject: "Test email", [recipientKey]: address, tags: tags ?? [], meta: extra.meta },
          },
    );
}

/** The documented envelopes of the events that are not about one email. */
function otherEvent(name: string): fc.Arbitrary<unknown> {
  if (name === "webhook.test") return isoMicros.map((at) => ({ type: name, message: "This is a ping test message", created_at: at }));
  return fc.record({ at: fc.constantFrom("2025-08-05 22:27:14", "2025-08-05T22:27:14.000000Z"), id: objectId }).map(({ at, id }) => ({
    type: name,
    created_at: at,
    data: { id, domain_id: "7nxe3yjmeq28vp0k", email: "miller.erin@example.net" },
  }));
}

const rawEvent = (name: string) => (name.startsWith("activity.") || !(EVENTS as readonly string[]).includes(name) ? activity(name) : otherEvent(name));

/** MailerSend's call: one event per POST (a list is accepted too), signed with either rotated secret. */
function mailersendRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({ events: fc.array(rawEvent(name), { minLength: 1, maxLength: 3 }), single: fc.boolean(), secret: fc.constantFrom(OLD_SECRET, NEW_SECRET) })
    .map(({ events, single, secret }) => signed(wire(single ? events[0] : events), secret));
}

testPlugin({ plugin: mailersend, credentials: CREDENTIALS, now: NOW, requestFor: mailersendRequest });

const DELIVERED = wire({
  type: "activity.delivered",
  created_at: "2025-08-05T21:23:56.000000Z",
  data: { id: "6892766a5b66e2daf3dc9156", domain_id: "yv69oxl5kl785kw2", message_id: "6892766ae78995a317577aa1", email_id: "6892766a8d52ba62543d5e71", type: "delivered", subject: "Test email", email: "test@mailersend.com", tags: ["test"], meta: [] },
});

testSignatures({
  plugin: mailersend,
  credentials: CREDENTIALS,
  wrongCredentials: { signingKey: "Wr0ngSecretWr0ngSecretWr0ngSecret" },
  now: NOW,
  validRequest: signed(DELIVERED),
  stripHeaders: [SIGNATURE_HEADER],
  exempt: { "a stale request is unauthorized": "MailerSend signs no time; a replayed event keeps its data.id, so it lands on the same result id" },
});

/** `credentials` null: the integration has none configured. */
const run = (body: string | Uint8Array, headers: Record<string, string> = {}, credentials: unknown = CREDENTIALS) =>
  normalize(mailersend, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), {
    credentials: credentials === null ? undefined : mailersend.credentials.parse(credentials),
    now: NOW,
  });

/** The official Node SDK's test vector (src/__tests__/services/mailersend.utils.test.ts): a legacy body with `\/` escapes. */
const SDK_SECRET = "yXdTVu1YewsKiuN2bcILlFHsljmR9kaU";
const SDK_SIGNATURE = "445e75aab3d8ea9169d134189a2814f06858977bd9cdc69324264e39f47bda2e";
const SDK_BODY =
  '{"type":"activity.sent","domain_id":"test_domain","created_at":"2022-09-08T20:06:12.062074Z","webhook_id":"webhook_test","url":"https:\\/\\/webhook.site\\/test","data":{"object":"activity","id":"631a6250bd4f6bd6844a2307","type":"sent","created_at":"2022-09-08T20:06:12.051000Z","email":{"object":"email","id":"631a6250bd4f6bd6844a2307","created_at":"2022-09-08T20:06:11.887000Z","from":"donotreply@mailsender.com","subject":"Test Message","status":"sent","tags":null,"message":{"object":"message","id":"631a6250bd4f6bd6844a2307","created_at":"2022-09-08T20:06:11.399000Z"},"recipient":{"object":"recipient","id":"631a6250bd4f6bd6844a2307","email":"test@test.com","created_at":"2022-03-31T21:31:37.304000Z"}},"morph":null,"template_id":""}}';

describe("mailersend signatures", () => {
  it("verifies the SDK's vector over the raw bytes, and refuses the same JSON re-serialized", () => {
    const credentials = { signingKey: SDK_SECRET };
    expect(run(SDK_BODY, { signature: SDK_SIGNATURE }, credentials)).toMatchObject({ ok: true, verified: true, results: [{ event: { status: "sent" } }] });
    const reserialized = JSON.stringify(JSON.parse(SDK_BODY));
    expect(reserialized).not.toContain("\\/");
    expect(run(reserialized, { signature: SDK_SIGNATURE }, credentials)).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
  });

  it("a signature over any generated body verifies, and any single-byte change fails", () => {
    const body = fc.constantFrom(...EVENTS).chain(rawEvent).map(wire);
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 255 }), (text, at, flip) => {
        const bytes = Buffer.from(text);
        const headers = { signature: sign(bytes, OLD_SECRET) };
        expect(run(bytes, headers)).toMatchObject({ ok: true, verified: true });
        const tampered = Buffer.from(bytes);
        const index = at % tampered.length;
        tampered[index] = tampered[index]! ^ flip;
        expect(run(tampered, headers)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      }),
      { numRuns: 100 },
    );
  });

  it("reads hex in either case and refuses what is not a SHA-256 hex digest", () => {
    expect(run(DELIVERED, { signature: sign(DELIVERED, NEW_SECRET).toUpperCase() })).toMatchObject({ ok: true, verified: true });
    for (const signature of [sign(DELIVERED, NEW_SECRET).slice(0, 62), `sha256=${sign(DELIVERED, NEW_SECRET)}`, "", " "]) {
      expect(run(DELIVERED, { signature })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("accepts MailerSend's ping signed with its published test secret, and nothing else with it", () => {
    const ping = wire({ type: "webhook.test", message: "This is a ping test message", created_at: "2026-01-15T09:59:58.120044Z" });
    expect(run(ping, { signature: sign(ping, PING_SECRET) })).toMatchObject({ ok: true, verified: true, results: [], ignored: [{ name: "webhook.test" }] });
    expect(run(ping, { signature: sign(ping, NEW_SECRET) })).toMatchObject({ ok: true, verified: true, ignored: [{ name: "webhook.test" }] });
    const padded = wire({ type: "webhook.test", message: "This is a ping test message", data: { id: "x" } });
    expect(run(padded, { signature: sign(padded, PING_SECRET) })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(DELIVERED, { signature: sign(DELIVERED, PING_SECRET) })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(ping, {})).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("still requires basic auth for the ping when a pair is configured", () => {
    const ping = wire({ type: "webhook.test", message: "This is a ping test message" });
    const credentials = { ...CREDENTIALS, username: "mailersend", password: "hook-secret" };
    const signature = sign(ping, PING_SECRET);
    expect(run(ping, { signature }, credentials)).toMatchObject({ ok: false, error: { code: "unauthorized", location: "authorization" } });
    expect(run(ping, { signature, authorization: basicAuthHeader("mailersend", "hook-secret") }, credentials)).toMatchObject({ ok: true, verified: true });
  });

  it("is unverified without credentials, and accepts only the shared credential fields", () => {
    expect(run(DELIVERED, {}, null)).toMatchObject({ ok: true, verified: false });
    expect(mailersend.credentials.safeParse({ signingKey: OLD_SECRET }).success).toBe(true);
    expect(mailersend.credentials.safeParse({ signingKey: [] }).success).toBe(false);
    expect(mailersend.credentials.safeParse({ signingSecret: OLD_SECRET }).success).toBe(false);
    expect(mailersend.credentials.safeParse({ signingKey: OLD_SECRET, username: "only-user" }).success).toBe(false);
  });
});

const V2 = { type: "activity.soft_bounced", created_at: "2025-08-05T21:24:02.000000Z" };
const V2_DATA = { id: "6892766a5b66e2daf3dc9157", domain_id: "yv69oxl5kl785kw2", message_id: "6892766ae78995a317577aa1", email_id: "6892766a8d52ba62543d5e71", subject: "Test email", email: "test@mailersend.com" };
const runV2 = (type: string, data: Record<string, unknown>) => {
  const body = wire({ ...V2, type, data: { ...V2_DATA, type: type.replace("activity.", ""), ...data } });
  return run(body, { signature: sign(body, NEW_SECRET) });
};

describe("mailersend readers", () => {
  it("takes the message id (X-Message-Id at send time), not the per-recipient email id", () => {
    expect(runV2("activity.sent", { meta: [] })).toMatchObject({ results: [{ id: "6892766a5b66e2daf3dc9157", event: { externalId: "6892766ae78995a317577aa1" } }] });
    expect(run(SDK_BODY, { signature: SDK_SIGNATURE }, { signingKey: SDK_SECRET })).toMatchObject({
      results: [{ id: "631a6250bd4f6bd6844a2307", event: { externalId: "631a6250bd4f6bd6844a2307", date: "2022-09-08T20:06:12.051Z" } }],
    });
  });

  it("dates a legacy activity by data.created_at, not by when the webhook was sent", () => {
    const legacy = wire({ type: "activity.sent", created_at: "2020-11-27T10:08:08.298647Z", data: { object: "activity", id: "a", created_at: "2020-11-27T10:08:06.258000Z", email: { message: { id: "m" } } } });
    expect(run(legacy, { signature: sign(legacy, NEW_SECRET) })).toMatchObject({ results: [{ event: { date: "2020-11-27T10:08:06.258Z" } }] });
  });

  it("reads the recipient from recipient or email text, never from the legacy email object", () => {
    expect(runV2("activity.delivered", { email: undefined, recipient: "r@example.com" })).toMatchObject({ results: [{ details: { recipient: "r@example.com" } }] });
    expect(runV2("activity.delivered", { email: { id: "x" }, meta: [] })).toMatchObject({ results: [{ event: { status: "delivered" } }] });
    const outcome = runV2("activity.delivered", { email: { id: "x" }, meta: [] });
    expect(outcome.ok && outcome.results[0]!.details).toBeUndefined();
  });

  it("soft bounces are final bounces of class soft; deferrals are deferred with no reject reason", () => {
    expect(runV2("activity.soft_bounced", { meta: { bounce_reason: "Mailbox full", bounce_code: 452, bounce_type: "soft" } })).toMatchObject({
      results: [{ event: { status: "bounced", response: "reason: Mailbox full; code: 452" }, details: { bounceClass: "soft", rejectReason: "bounced", smtpCode: "452", description: "Mailbox full" } }],
    });
    const deferred = runV2("activity.deferred", { meta: { bounce_reason: "451 4.7.1 Greylisted, try again later" } });
    expect(deferred).toMatchObject({
      results: [{ event: { status: "deferred" }, details: { bounceClass: "soft", smtpCode: "451", enhancedStatus: "4.7.1", mtaResponse: "451 4.7.1 Greylisted, try again later" } }],
    });
    expect(deferred.ok && deferred.results[0]!.details).not.toHaveProperty("rejectReason");
  });

  it("keeps a bounce reason that is no SMTP reply out of mtaResponse", () => {
    const outcome = runV2("activity.hard_bounced", { meta: { bounce_reason: "Host or domain name not found", bounce_code: "550" } });
    expect(outcome).toMatchObject({ results: [{ details: { bounceClass: "hard", smtpCode: "550", description: "Host or domain name not found" } }] });
    expect(outcome.ok && outcome.results[0]!.details).not.toHaveProperty("mtaResponse");
    expect(runV2("activity.hard_bounced", { meta: { bounce_code: "999" } })).toMatchObject({ results: [{ details: { bounceClass: "hard" } }] });
    const odd = runV2("activity.hard_bounced", { meta: { bounce_code: "999" } });
    expect(odd.ok && odd.results[0]!.details).not.toHaveProperty("smtpCode");
  });

  it("puts the URL, user agent and IP on clicks, and only client details on opens", () => {
    const meta = { ip: "203.0.113.7", user_agent: "Mozilla/5.0", url: "https://example.com/a?b=c" };
    expect(runV2("activity.clicked_unique", { meta })).toMatchObject({ results: [{ event: { status: "clicked", response: meta.url }, details: { clickUrl: meta.url, userAgent: meta.user_agent, ip: meta.ip } }] });
    const open = runV2("activity.opened", { meta });
    expect(open).toMatchObject({ results: [{ event: { status: "opened" }, details: { userAgent: meta.user_agent, ip: meta.ip } }] });
    expect(open.ok && open.results[0]!.details).not.toHaveProperty("clickUrl");
  });

  it("reads a suppression's list as the reject reason", () => {
    const reasons: Record<string, string> = { on_hold: "other", hard_bounce: "bounced", unsubscribe: "unsubscribed", spam_complaint: "spam", blocklist: "blocked" };
    for (const [list, reason] of Object.entries(reasons)) {
      expect(runV2("activity.suppressed", { meta: { suppression_reason: list } })).toMatchObject({ results: [{ event: { status: "dropped" }, details: { rejectReason: reason, description: list } }] });
    }
  });

  it("reads a legacy unsubscribe's readable reason", () => {
    const body = wire({ type: "activity.unsubscribed", data: { id: "u", created_at: "2023-02-27T21:33:54.791000Z", email: { message: { id: "m" }, recipient: { email: "r@example.com" } }, morph: { object: "recipient_unsubscribe", reason: "option_3", readable_reason: "I get too many emails" } } });
    expect(run(body, { signature: sign(body, NEW_SECRET) })).toMatchObject({
      results: [{ event: { status: "unsubscribed", externalId: "m", response: "reason: I get too many emails" }, details: { recipient: "r@example.com", description: "I get too many emails" } }],
    });
  });

  it("names an event by object when type is absent, and gives only activities their data.id", () => {
    const single = wire({ object: "email_single.verified", created_at: "2025-08-05 22:27:14", data: { id: "68928a46a23f15a8bcbbafb6", address: "aurore20@senger.net" } });
    const outcome = run(single, { signature: sign(single, NEW_SECRET) });
    expect(outcome).toMatchObject({ ignored: [{ name: "email_single.verified" }] });
    expect(outcome.ok && outcome.ignored[0]!.id).toBe(rowHash(single));
    const nameless = wire({ created_at: "2025-08-05 22:27:14", data: { id: "x" } });
    expect(run(nameless, { signature: sign(nameless, NEW_SECRET) })).toMatchObject({ unmapped: [{ code: "invalid_event" }] });
  });

  it("leaves out a value too long for the schema rather than the event", () => {
    const long = "x".repeat(70_000);
    const outcome = runV2("activity.hard_bounced", { id: "i".repeat(600), tags: ["ok", "t".repeat(2000)], meta: { bounce_reason: `550 ${long}`, bounce_code: 550 } });
    expect(outcome).toMatchObject({ results: [{ event: { status: "bounced", externalId: "6892766ae78995a317577aa1" }, details: { smtpCode: "550", bounceClass: "hard" } }], unmapped: [] });
    if (!outcome.ok) throw new Error(outcome.error.message);
    const [result] = outcome.results;
    expect(result!.id).not.toContain("iii");
    expect(result!.event).not.toHaveProperty("response");
    expect(result!.details).not.toHaveProperty("mtaResponse");
    expect(result!.details).not.toHaveProperty("tags");
    expect(result!.event.row).toContain(long);
  });

  it("leaves an activity without any time unmapped rather than dating it at receipt", () => {
    expect(runV2("activity.sent", { meta: [] })).toMatchObject({ results: [{ event: { date: "2025-08-05T21:24:02.000Z" } }] });
    const undated = wire({ type: "activity.sent", data: V2_DATA });
    expect(run(undated, { signature: sign(undated, NEW_SECRET) })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("mailersend fixtures", () => {
  const registry = new PluginRegistry([mailersend]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/mailersend/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
