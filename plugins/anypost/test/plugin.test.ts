import { createHmac } from "node:crypto";
import { basicAuthHeader, rowHash, inboundRequest, normalize, PluginRegistry } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { anypost, SIGNATURE_HEADER, TOLERANCE_SECONDS } from "../src/index.js";
import { anypostRequest, NOW, NOW_SECONDS, OLD_KEY, OTHER_KEY, PASSWORD, SIGNING_KEY, signed, USERNAME, v1 } from "./requests.js";

const CREDENTIALS = { signingKey: [SIGNING_KEY, OLD_KEY], username: USERNAME, password: PASSWORD };

testPlugin({ plugin: anypost, credentials: CREDENTIALS, now: NOW, requestFor: anypostRequest });

const EVENT = { id: "evt_1", type: "email.delivered", occurred_at: "2026-04-30T12:00:05.000Z", data: { email_id: "email_1", smtp_code: 250 } };
const BODY = JSON.stringify({ batch_id: "b_1", timestamp: NOW_SECONDS - 30, events: [EVENT] });

testSignatures({
  plugin: anypost,
  credentials: { signingKey: SIGNING_KEY },
  wrongCredentials: { signingKey: OTHER_KEY },
  now: NOW,
  validRequest: signed(BODY),
  stripHeaders: [SIGNATURE_HEADER],
  staleRequest: signed(BODY, NOW_SECONDS - TOLERANCE_SECONDS - 60),
});

/** `null` runs without credentials. */
function run(request: SuiteRequest, credentials: unknown = { signingKey: SIGNING_KEY }) {
  const parsed = credentials === null ? undefined : anypost.credentials.parse(credentials);
  return normalize(anypost, inboundRequest({ headers: { ...request.headers, "content-type": request.contentType }, body: request.body }), { credentials: parsed, now: NOW });
}

const withHeader = (header: string): SuiteRequest => ({ contentType: "application/json", body: BODY, headers: { [SIGNATURE_HEADER]: header } });
const UNAUTHORIZED = { ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } };

describe("anypost signatures", () => {
  it("keys the HMAC with the whole secret, whsec_ included, not its base64 decoding", () => {
    const t = NOW_SECONDS - 30;
    expect(run(withHeader(`t=${t},v1=${v1(SIGNING_KEY, t, BODY)}`))).toMatchObject({ ok: true, verified: true });
    const decodedKey = Buffer.from(SIGNING_KEY.slice("whsec_".length), "base64");
    const standardWebhooksStyle = createHmac("sha256", decodedKey).update(`${t}.${BODY}`).digest("hex");
    expect(run(withHeader(`t=${t},v1=${standardWebhooksStyle}`))).toMatchObject(UNAUTHORIZED);
  });

  it("accepts any v1= entry: Anypost signs with the old and the new secret during a rotation", () => {
    const request = signed(BODY, NOW_SECONDS - 30, [OLD_KEY, SIGNING_KEY]);
    expect(run(request, { signingKey: SIGNING_KEY })).toMatchObject({ ok: true, verified: true });
    expect(run(request, { signingKey: OLD_KEY })).toMatchObject({ ok: true, verified: true });
    expect(run(request, { signingKey: OTHER_KEY })).toMatchObject(UNAUTHORIZED);
  });

  it("accepts any configured key, so the new secret can be listed before the rotation", () => {
    expect(run(signed(BODY, NOW_SECONDS - 30, [OLD_KEY]), { signingKey: [SIGNING_KEY, OLD_KEY] })).toMatchObject({ ok: true, verified: true });
  });

  it("holds a five-minute window both ways", () => {
    for (const skew of [-TOLERANCE_SECONDS, -1, 0, 1, TOLERANCE_SECONDS]) {
      expect(run(signed(BODY, NOW_SECONDS + skew)), `skew ${skew}`).toMatchObject({ ok: true, verified: true });
    }
    for (const skew of [-TOLERANCE_SECONDS - 1, TOLERANCE_SECONDS + 1, -86_400]) {
      expect(run(signed(BODY, NOW_SECONDS + skew)), `skew ${skew}`).toMatchObject(UNAUTHORIZED);
    }
  });

  it("signs the timestamp: a valid v1 under another t fails", () => {
    const t = NOW_SECONDS - 30;
    expect(run(withHeader(`t=${t + 1},v1=${v1(SIGNING_KEY, t, BODY)}`))).toMatchObject(UNAUTHORIZED);
  });

  it("reads the header as the SDKs do: spaces around components, unknown components skipped", () => {
    const t = NOW_SECONDS - 30;
    expect(run(withHeader(` t = ${t} , v0=abc, v1 = ${v1(SIGNING_KEY, t, BODY)} `))).toMatchObject({ ok: true, verified: true });
  });

  it("refuses headers without a single usable timestamp or any v1 signature", () => {
    const t = NOW_SECONDS - 30;
    const good = v1(SIGNING_KEY, t, BODY);
    for (const header of ["", " ", `v1=${good}`, `t=${t}`, `t=${t},t=${t},v1=${good}`, `t=-${t},v1=${good}`, `t=${t}.5,v1=${good}`, `t=abc,v1=${good}`, `t=${t},v1=`, `t=${t},v1=${good.toUpperCase()}x`]) {
      expect(run(withHeader(header)), JSON.stringify(header)).toMatchObject(UNAUTHORIZED);
    }
  });

  it("reads hex digests in either case, as core's verifyHmac does", () => {
    const t = NOW_SECONDS - 30;
    expect(run(withHeader(`t=${t},v1=${v1(SIGNING_KEY, t, BODY).toUpperCase()}`))).toMatchObject({ ok: true, verified: true });
  });

  it("without credentials the call is unverified, for the host to decide", () => {
    expect(run({ contentType: "application/json", body: BODY }, null)).toMatchObject({ ok: true, verified: false, results: [{ event: { status: "delivered" } }] });
  });

  it("with basic auth alone, the basic auth decides and no signature is needed", () => {
    const credentials = { username: USERNAME, password: PASSWORD };
    const request = { contentType: "application/json", body: BODY, headers: { authorization: basicAuthHeader(USERNAME, PASSWORD) } } as const;
    expect(run(request, credentials)).toMatchObject({ ok: true, verified: true });
    expect(run({ ...request, headers: {} }, credentials)).toMatchObject({ ok: false, error: { code: "unauthorized", location: "authorization" } });
  });

  it("accepts only the shared credential fields", () => {
    expect(anypost.credentials.safeParse({ signingKey: SIGNING_KEY }).success).toBe(true);
    expect(anypost.credentials.safeParse({ signingKey: [SIGNING_KEY, OLD_KEY], username: "u", password: "p" }).success).toBe(true);
    expect(anypost.credentials.safeParse({ signingSecret: SIGNING_KEY }).success).toBe(false);
    expect(anypost.credentials.safeParse({ signingKey: [] }).success).toBe(false);
    expect(anypost.credentials.safeParse({ username: "u" }).success).toBe(false);
  });
});

/** Normalizes a batch of events, signed, and returns the outcome. */
function batch(...events: unknown[]) {
  const outcome = run(signed(JSON.stringify({ batch_id: "b", timestamp: NOW_SECONDS - 30, events })));
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
}

const event = (type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: `evt_${type}`,
  type,
  occurred_at: "2026-04-30T12:00:05.000Z",
  data: { email_id: "email_018f4f3e-7b2c-7c80-8e21-1a3a4f5b6c7d", ...data },
  ...extra,
});

describe("anypost readers", () => {
  it("reads a bounce's type into its class and reject reason, and its classification into the description", () => {
    const cases = [
      ["permanent", "hard", "bounced"],
      ["Hard", "hard", "bounced"],
      ["transient", "soft", "bounced"],
      ["SOFT", "soft", "bounced"],
      ["expired", "soft", "timed_out"],
      ["something-new", "undetermined", "bounced"],
      [null, "undetermined", "bounced"],
    ] as const;
    for (const [type, bounceClass, rejectReason] of cases) {
      const outcome = batch(event("email.bounced", { bounce_type: type, bounce_classification: "InvalidRecipient", smtp_code: 550 }));
      expect(outcome.results[0], String(type)).toMatchObject({
        event: { status: "bounced" },
        details: { bounceClass, rejectReason, smtpCode: "550", description: "InvalidRecipient" },
      });
    }
  });

  it("writes the bounce type, classification and SMTP code into the response", () => {
    const outcome = batch(event("email.bounced", { bounce_type: "permanent", bounce_classification: "InvalidRecipient", smtp_code: 550, attempt: 2 }));
    expect(outcome.results[0]!.event).toMatchObject({ response: "bounce type: permanent; classification: InvalidRecipient; smtp code: 550", attempts: 2 });
    expect(batch(event("email.opened", {})).results[0]!.event).not.toHaveProperty("response");
  });

  it("gives a delayed delivery a soft class and nothing else a class", () => {
    expect(batch(event("email.delayed", { smtp_code: 421, attempt: 3 })).results[0]).toMatchObject({ event: { status: "deferred", attempts: 3 }, details: { bounceClass: "soft", smtpCode: "421" } });
    for (const type of ["email.sent", "email.delivered", "email.suppressed", "email.complained", "email.opened"]) {
      expect(batch(event(type, { bounce_type: "permanent" })).results[0]?.details?.bounceClass, type).toBeUndefined();
    }
  });

  it("takes recipient, tags, and the send's campaign and topic as metadata; nulls are absent", () => {
    const outcome = batch(event("email.delivered", { recipient: "recipient@example.com", tags: ["welcome"], campaign: "launch", topic: "onboarding", smtp_code: 250 }));
    expect(outcome.results[0]!.details).toEqual({ recipient: "recipient@example.com", tags: ["welcome"], metadata: { campaign: "launch", topic: "onboarding" }, smtpCode: "250" });
    const nulls = batch(event("email.delivered", { recipient: null, tags: [], campaign: null, topic: null, smtp_code: null, bounce_type: null, tracking: null }));
    expect(nulls.results[0]).not.toHaveProperty("details");
  });

  it("drops an SMTP code that is not a reply code rather than the event", () => {
    expect(batch(event("email.delivered", { smtp_code: 999 })).results[0]).toMatchObject({ event: { status: "delivered", response: "smtp code: 999" } });
    expect(batch(event("email.delivered", { smtp_code: 999 })).results[0]).not.toHaveProperty("details");
  });

  it("describes an open made through a mailbox image proxy", () => {
    expect(batch(event("email.opened", { tracking: { bot: { source: "google", kind: "proxy" } } })).results[0]).toMatchObject({
      event: { status: "opened" },
      details: { description: "bot: proxy; source: google" },
    });
  });

  it("uses the event id as the result id, the email id as externalId and occurred_at as the date", () => {
    expect(batch(event("email.clicked", {})).results[0]).toMatchObject({
      id: "evt_email.clicked",
      event: { status: "clicked", externalId: "email_018f4f3e-7b2c-7c80-8e21-1a3a4f5b6c7d", date: "2026-04-30T12:00:05.000Z" },
    });
    const anonymous = event("email.clicked", {}, { id: undefined });
    expect(batch(anonymous).results[0]!.id).toBe(rowHash(JSON.stringify(anonymous)));
  });

  it("keeps an event whose occurred_at is not date text as invalid", () => {
    const outcome = batch(event("email.delivered", {}, { occurred_at: 1777550405 }), event("email.delivered", {}, { occurred_at: "yesterday" }));
    expect(outcome.results).toEqual([]);
    expect(outcome.unmapped.map((u) => u.code)).toEqual(["invalid_event", "invalid_event"]);
  });

  it("ignores the test delivery and keeps unknown types, in any case", () => {
    const outcome = batch(event("webhook.test", {}), event("Email.Delivered", {}), event("email.resubscribed", {}), { id: "x" });
    expect(outcome.ignored.map((i) => i.name)).toEqual(["webhook.test"]);
    expect(outcome.results.map((r) => r.event.status)).toEqual(["delivered"]);
    expect(outcome.unmapped.map((u) => [u.code, u.name])).toEqual([
      ["unknown_event", "email.resubscribed"],
      ["invalid_event", undefined],
    ]);
  });

  it("reads a bare list of events and a single event as well as the batch", () => {
    const one = event("email.sent", {});
    const list = run(signed(JSON.stringify([one, event("email.delivered", {})])));
    expect(list).toMatchObject({ ok: true, results: [{ event: { status: "queued" } }, { event: { status: "delivered" } }] });
    expect(run(signed(JSON.stringify(one)))).toMatchObject({ ok: true, results: [{ event: { status: "queued" } }] });
  });

  it("a batch whose events is not a list is kept whole, as an invalid event", () => {
    const outcome = run(signed(JSON.stringify({ batch_id: "b", timestamp: NOW_SECONDS, events: { type: "email.sent" } })));
    expect(outcome).toMatchObject({ ok: true, results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("anypost fixtures", () => {
  const registry = new PluginRegistry([anypost]);
  const loaded = loadFixtures([new URL("../../../fixtures/anypost/", import.meta.url).pathname]);

  it("has a signed, accepted fixture for every documented event type", () => {
    const covered = new Set(
      loaded.flatMap((f) =>
        f.ok && "rawBody" in f.fixture.request && f.fixture.request.headers?.[SIGNATURE_HEADER] !== undefined && !("error" in f.fixture.expect)
          ? typesIn(f.fixture.request.rawBody)
          : [],
      ),
    );
    expect(anypost.events.filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const fixture of loaded) {
    it(fixture.ok ? fixture.fixture.name : fixture.file, async () => {
      const result = await runFixture(fixture, registry);
      expect(result.problems).toEqual([]);
    });
  }
});

function typesIn(rawBody: string): string[] {
  try {
    const body: unknown = JSON.parse(rawBody);
    const events = (body as { events?: unknown }).events;
    return Array.isArray(events) ? events.map((e) => String((e as { type?: unknown }).type)) : [];
  } catch {
    return [];
  }
}

