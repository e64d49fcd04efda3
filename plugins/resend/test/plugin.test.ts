import fc from "fast-check";
import { rowHash, inboundRequest, normalize, PluginRegistry, signStandardWebhook } from "@tidings/core";
import { loadFixtures, runFixture } from "@tidings/core/fixtures";
import { testPlugin, testSignatures, type SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { EVENTS, resend } from "../src/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
const TIMESTAMP = Math.floor(NOW.getTime() / 1000) - 30;
/** The fixtures' test secrets (fixtures/resend/keys/README.md). */
const SECRET = "whsec_dGlkaW5ncy1yZXNlbmQtZml4dHVyZS1zZWNyZXQtMQ==";
const OLD_SECRET = "whsec_dGlkaW5ncy1yZXNlbmQtZml4dHVyZS1zZWNyZXQtMA==";
const OTHER_SECRET = "whsec_dGlkaW5ncy1yZXNlbmQtc29tZW9uZS1lbHNlLTAx";

function svixHeaders(body: string, id: string, secrets: readonly string[] = [SECRET], timestamp = TIMESTAMP): Record<string, string> {
  return {
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": secrets.map((secret) => signStandardWebhook(secret, id, timestamp, body)).join(" "),
  };
}

const anyCase = (name: string) => fc.constantFrom(name, name.toUpperCase());

/** What each event type carries besides the common fields, per Resend's event pages. */
function specificFields(name: string): fc.Arbitrary<Record<string, unknown>> {
  if (name === "email.bounced:suppressed") {
    return fc
      .record({ type: anyCase("email.bounced"), subType: fc.constantFrom("Suppressed", "OnAccountSuppressionList", "suppressed"), message: fc.string({ maxLength: 40 }) })
      .map(({ type, subType, message }) => ({ type, bounce: { type: "Permanent", subType, message } }));
  }
  const type = anyCase(name);
  switch (name) {
    case "email.bounced":
      return fc
        .record({
          type,
          bounce: fc.record(
            {
              type: fc.constantFrom("Permanent", "Transient", "Undetermined", "Temporary", "Elsewhere"),
              subType: fc.constantFrom("General", "NoEmail", "MailboxFull", "MessageTooLarge", "ContentRejected", "AttachmentRejected", "Undetermined"),
              message: fc.string({ maxLength: 40 }),
              diagnosticCode: fc.constantFrom(["smtp; 550 5.1.1 user unknown"], "smtp; 452 4.2.2 mailbox full", [], ["no code"]),
            },
            { requiredKeys: ["type"] },
          ),
        });
    case "email.clicked":
      return fc.record({ type, click: fc.record({ ipAddress: fc.ipV4(), link: fc.webUrl(), timestamp: fc.constant("2024-11-24T05:00:57.163Z"), userAgent: fc.string({ minLength: 1, maxLength: 40 }) }) });
    case "email.failed":
      return fc.record({ type, failed: fc.record({ reason: fc.constantFrom("reached_daily_quota", "invalid_recipient") }) });
    case "email.suppressed":
      return fc.record({ type, suppressed: fc.record({ type: fc.constant("OnAccountSuppressionList"), message: fc.string({ maxLength: 40 }) }) });
    default:
      return fc.record({ type: name.startsWith("email.") ? type : fc.constant(name) });
  }
}

const tags = fc.oneof(
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
  fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), value: fc.string({ maxLength: 12 }) }), { maxLength: 3 }),
);

/** A Resend event of type `name` (a documented key, or any text as the type). */
function rawEvent(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      specific: specificFields(name),
      at: fc.date({ min: new Date("2023-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
      email_id: fc.uuid(),
      to: fc.array(fc.emailAddress(), { minLength: 1, maxLength: 2 }),
      tags,
    })
    .map(({ specific: { type, ...specific }, at, email_id, to, tags }) => ({
      type,
      created_at: at.toISOString(),
      data: { created_at: at.toISOString().replace("Z", "+00:00"), email_id, from: "Acme <onboarding@resend.dev>", to, subject: "Sending this example", tags, ...specific },
    }));
}

/** Resend's call: one event per POST, signed with one of the rotated secrets (or both, as Svix does mid-rotation). */
function resendRequest(name: string): fc.Arbitrary<SuiteRequest> {
  return fc
    .record({
      event: rawEvent(name),
      id: fc.stringMatching(/^[A-Za-z0-9]{27}$/).map((s) => `msg_${s}`),
      secrets: fc.constantFrom([SECRET], [OLD_SECRET], [OLD_SECRET, SECRET]),
    })
    .map(({ event, id, secrets }) => {
      const body = JSON.stringify(event);
      return { contentType: "application/json", body, headers: svixHeaders(body, id, secrets) };
    });
}

testPlugin({ plugin: resend, credentials: { signingKey: [OLD_SECRET, SECRET] }, now: NOW, requestFor: resendRequest });

const SIGNED_BODY = JSON.stringify({ type: "email.delivered", created_at: "2026-01-15T09:59:00.000Z", data: { email_id: "56761188-7520-42d8-8898-ff6fc54ce618" } });

testSignatures({
  plugin: resend,
  credentials: { signingKey: SECRET },
  wrongCredentials: { signingKey: OTHER_SECRET },
  now: NOW,
  validRequest: { contentType: "application/json", body: SIGNED_BODY, headers: svixHeaders(SIGNED_BODY, "msg_valid") },
  stripHeaders: ["svix-id", "svix-timestamp", "svix-signature"],
  staleRequest: { contentType: "application/json", body: SIGNED_BODY, headers: svixHeaders(SIGNED_BODY, "msg_stale", [SECRET], TIMESTAMP - 6 * 60) },
});

const EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618";
const event = (type: string, data: Record<string, unknown> = {}) => ({ type, created_at: "2024-11-22T23:41:12.126Z", data: { email_id: EMAIL_ID, to: ["delivered@resend.dev"], ...data } });
const run = (raw: unknown, headers: Record<string, string> = {}, credentials: unknown = undefined) =>
  normalize(resend, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(raw) }), { credentials, now: NOW });
const only = (raw: unknown, headers?: Record<string, string>) => {
  const outcome = run(raw, headers);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};

describe("resend names", () => {
  it("tells a suppression reported as a bounce apart from a bounce, in any case", () => {
    for (const subType of ["Suppressed", "OnAccountSuppressionList", "SUPPRESSED"]) {
      expect(only(event("email.bounced", { bounce: { type: "Permanent", subType } }))).toMatchObject({ results: [{ event: { status: "dropped" } }] });
    }
    for (const bounce of [{ type: "Permanent", subType: "General" }, { type: "Transient" }, undefined]) {
      expect(only(event("email.bounced", { bounce }))).toMatchObject({ results: [{ event: { status: "bounced" } }] });
    }
  });

  it("keeps contact, domain, suppression-list and inbound events as ignored", () => {
    for (const type of EVENTS.filter((name) => !name.startsWith("email.") || name === "email.received")) {
      expect(only({ type, created_at: "2026-11-17T19:32:22.980Z", data: { id: "e169aa45" } })).toMatchObject({ results: [], ignored: [{ name: type }] });
    }
  });

  it("leaves a body that is not one event unmapped", () => {
    expect(only([event("email.delivered"), event("email.opened")])).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("resend readers", () => {
  it("takes the event id from svix-id, so a re-delivery keeps it and another event does not share it", () => {
    const delivered = event("email.delivered");
    expect(only(delivered, { "svix-id": "msg_1" })).toMatchObject({ results: [{ id: "msg_1" }] });
    expect(only(delivered, { "svix-id": "msg_2" })).toMatchObject({ results: [{ id: "msg_2" }] });
    expect(only(delivered)).toMatchObject({ results: [{ id: rowHash(JSON.stringify(delivered)) }] });
    expect(only(delivered, { "svix-id": "m".repeat(513) })).toMatchObject({ results: [{ id: rowHash(JSON.stringify(delivered)) }] });
  });

  it("dates an event by its created_at, not the email's or the click's", () => {
    const click = event("email.clicked", { created_at: "2024-11-22T23:41:11.894719+00:00", click: { link: "https://resend.com", timestamp: "2024-11-24T05:00:57.163Z" } });
    expect(only(click)).toMatchObject({ results: [{ event: { date: "2024-11-22T23:41:12.126Z", externalId: EMAIL_ID } }] });
    expect(only({ ...click, created_at: 1732318872 })).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });

  it("reads the bounce class from bounce.type", () => {
    const classOf = (type: unknown) => only(event("email.bounced", { bounce: { type, subType: "General" } })).results[0]?.details?.bounceClass;
    expect([classOf("Permanent"), classOf("transient"), classOf("Temporary"), classOf("Undetermined"), classOf("Other"), classOf(undefined)]).toEqual([
      "hard",
      "soft",
      "soft",
      "undetermined",
      undefined,
      undefined,
    ]);
  });

  it("reads why from the bounce subType, and codes from the first diagnosticCode without its smtp; prefix", () => {
    const bounced = (bounce: Record<string, unknown>) => only(event("email.bounced", { bounce })).results[0]?.details;
    expect(bounced({ type: "Permanent", subType: "NoEmail", diagnosticCode: ["smtp; 550 5.1.1 user unknown", "smtp; 550 again"] })).toMatchObject({
      rejectReason: "invalid",
      smtpCode: "550",
      enhancedStatus: "5.1.1",
      mtaResponse: "smtp; 550 5.1.1 user unknown\nsmtp; 550 again",
    });
    expect(bounced({ type: "Transient", subType: "ContentRejected", diagnosticCode: "SMTP;554 5.7.1 rejected" })).toMatchObject({ rejectReason: "blocked", smtpCode: "554", enhancedStatus: "5.7.1" });
    expect(bounced({ type: "Transient", subType: "MailboxFull" })).toMatchObject({ rejectReason: "bounced", bounceClass: "soft" });
    const dropped = (subType: string) => only(event("email.bounced", { bounce: { type: "Permanent", subType } })).results[0]?.details;
    expect(dropped("Suppressed")?.rejectReason).toBe("bounced");
    expect(dropped("OnAccountSuppressionList")?.rejectReason).toBe("other");
    expect(dropped("Suppressed")).not.toHaveProperty("bounceClass");
  });

  it("reads tags as metadata from the object form and the {name, value} list form", () => {
    const metadataOf = (tags: unknown) => only(event("email.delivered", { tags })).results[0]?.details?.metadata;
    expect(metadataOf({ category: "confirm_email", user_id: 1234567890 })).toEqual({ category: "confirm_email", user_id: "1234567890" });
    expect(metadataOf([{ name: "category", value: "confirm_email" }, { value: "nameless" }, "loose", { name: "user_id", value: "1" }])).toEqual({ category: "confirm_email", user_id: "1" });
    const polluted = metadataOf([{ name: "__proto__", value: "x" }]);
    expect(Object.keys(polluted ?? {})).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(metadataOf([])).toBeUndefined();
  });

  it("names the recipient only when the event is about one address", () => {
    const recipientOf = (to: unknown) => only(event("email.delivered", { to })).results[0]?.details?.recipient;
    expect([recipientOf(["a@example.com"]), recipientOf("a@example.com"), recipientOf(["a@example.com", "b@example.com"]), recipientOf([])]).toEqual([
      "a@example.com",
      "a@example.com",
      undefined,
      undefined,
    ]);
  });

  it("puts the link, user agent and IP on clicks only", () => {
    const click = { ipAddress: "122.115.53.11", link: "https://resend.com", userAgent: "Mozilla/5.0" };
    expect(only(event("email.clicked", { click }))).toMatchObject({
      results: [{ event: { response: "https://resend.com" }, details: { clickUrl: "https://resend.com", userAgent: "Mozilla/5.0", ip: "122.115.53.11" } }],
    });
    const opened = only(event("email.opened", { click })).results[0];
    expect(opened?.details).not.toHaveProperty("clickUrl");
    expect(opened?.details).not.toHaveProperty("ip");
    expect(opened?.event).not.toHaveProperty("response");
  });

  it("describes failures and suppressions from their own objects", () => {
    expect(only(event("email.failed", { failed: { reason: "reached_daily_quota" } }))).toMatchObject({
      results: [{ event: { status: "failed", response: "reason: reached_daily_quota" }, details: { rejectReason: "other", description: "reached_daily_quota" } }],
    });
    expect(only(event("email.suppressed", { suppressed: { type: "OnAccountSuppressionList", message: "on the list" } }))).toMatchObject({
      results: [{ event: { status: "dropped", response: "type: OnAccountSuppressionList; message: on the list" }, details: { rejectReason: "other", description: "on the list" } }],
    });
  });
});

describe("resend verification", () => {
  const body = JSON.stringify(event("email.delivered"));
  const verify = (credentials: unknown, headers: Record<string, string>) =>
    resend.verify({
      request: inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }),
      credentials: credentials === undefined ? undefined : resend.credentials.parse(credentials),
      now: NOW,
      body: () => ({ ok: true, value: {} }) as never,
      host: undefined as never,
    });

  it("is not configured without credentials, so the host asks for its API key", () => {
    expect(verify(undefined, svixHeaders(body, "msg_1"))).toMatchObject({ ok: true, verified: false });
  });

  it("accepts any secret of a rotation list, and a header signed with the old and the new secret", () => {
    expect(verify({ signingKey: [OLD_SECRET, SECRET] }, svixHeaders(body, "msg_1", [SECRET]))).toEqual({ ok: true, verified: true });
    expect(verify({ signingKey: SECRET }, svixHeaders(body, "msg_1", [OLD_SECRET, SECRET]))).toEqual({ ok: true, verified: true });
    expect(verify({ signingKey: SECRET }, svixHeaders(body, "msg_1", [OLD_SECRET]))).toMatchObject({ ok: false, error: { code: "unauthorized", location: "svix-signature" } });
  });

  it("signs the svix-id: the same signature under another id is refused", () => {
    const headers = svixHeaders(body, "msg_1");
    expect(verify({ signingKey: SECRET }, { ...headers, "svix-id": "msg_2" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("refuses a timestamp more than 5 minutes ahead, as Svix's libraries do", () => {
    expect(verify({ signingKey: SECRET }, svixHeaders(body, "msg_1", [SECRET], TIMESTAMP + 6 * 60))).toMatchObject({
      ok: false,
      error: { code: "unauthorized", location: "svix-timestamp" },
    });
  });

  it("accepts only whsec_ secrets and the shared credential fields", () => {
    expect(resend.credentials.safeParse({ signingKey: SECRET }).success).toBe(true);
    expect(resend.credentials.safeParse({ signingKey: [OLD_SECRET, SECRET], username: "u", password: "p" }).success).toBe(true);
    expect(resend.credentials.safeParse({ signingKey: "whsec_not base64!" }).success).toBe(false);
    expect(resend.credentials.safeParse({ signingKey: [SECRET, "re_123456789"] }).success).toBe(false);
    expect(resend.credentials.safeParse({ secret: SECRET }).success).toBe(false);
  });
});

describe("resend fixtures", () => {
  const registry = new PluginRegistry([resend]);
  for (const loaded of loadFixtures([new URL("../../../fixtures/resend/", import.meta.url).pathname])) {
    it(loaded.ok ? loaded.fixture.name : loaded.file, async () => {
      const result = await runFixture(loaded, registry);
      expect(result.problems).toEqual([]);
    });
  }
});
