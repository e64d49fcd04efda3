import { describe, expect, it } from "vitest";
import { NO_HOST_SERVICES, basicAuthHeader, inboundRequest, normalize, parseCredentials } from "@tidings/core";
import { mailgun, type MailgunCredentials } from "../src/index.js";
import { NOW, NOW_SECONDS, OTHER_KEY, SIGNING_KEY, sign } from "./requests.js";

const TOKEN = "00112233445566778899aabbccddeeff00112233445566778899";
const EVENT = { event: "delivered", id: "d-1", timestamp: 1768471190 };

function body(timestamp: string, key = SIGNING_KEY, token = TOKEN): string {
  return JSON.stringify({ signature: { timestamp, token, signature: sign(timestamp, token, key) }, "event-data": EVENT });
}

function verdict(configured: unknown, requestBody: string, headers: Record<string, string> = {}) {
  const parsed = parseCredentials(mailgun, configured);
  if (!parsed.ok) throw new Error(parsed.message);
  const outcome = normalize(mailgun, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body: requestBody }), {
    credentials: parsed.credentials,
    now: NOW,
  });
  return outcome.ok ? { ok: true, verified: outcome.verified } : { ok: false, code: outcome.error.code, message: outcome.error.message };
}

const NOW_TEXT = String(NOW_SECONDS);

describe("credentials", () => {
  it("still accepts a configuration written before contract v2", () => {
    expect(parseCredentials(mailgun, { signingKey: "key-abc" })).toMatchObject({ ok: true });
    expect(parseCredentials(mailgun, { signingKey: "key-abc", maxAgeSeconds: 300 })).toMatchObject({ ok: true });
  });

  it.each([
    [{ signingKey: [] }, "signingKey"],
    [{ signingKey: "" }, "signingKey"],
    [{ signingkey: "key-abc" }, "signingkey"],
    [{ username: "u" }, "password"],
    [{ signingKey: "k", maxAgeSeconds: 0 }, "maxAgeSeconds"],
  ])("refuses %j, naming %s", (configured, named) => {
    const parsed = parseCredentials(mailgun, configured);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(named);
  });

  it("verifies with any key of a rotation list", () => {
    expect(verdict({ signingKey: [SIGNING_KEY, OTHER_KEY] }, body(NOW_TEXT, OTHER_KEY))).toEqual({ ok: true, verified: true });
    expect(verdict({ signingKey: [SIGNING_KEY, OTHER_KEY] }, body(NOW_TEXT, "key-neither"))).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("requires both the signature and basic auth when both are configured", () => {
    const both = { signingKey: SIGNING_KEY, username: "mailgun", password: "pw-1" };
    const auth = { authorization: basicAuthHeader("mailgun", "pw-1") };
    expect(verdict(both, body(NOW_TEXT), auth)).toEqual({ ok: true, verified: true });
    expect(verdict(both, body(NOW_TEXT))).toMatchObject({ ok: false, code: "unauthorized" });
    expect(verdict(both, body(NOW_TEXT, OTHER_KEY), auth)).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("lets basic auth alone verify when no signing key is configured", () => {
    const basic = { username: "mailgun", password: "pw-1" };
    expect(verdict(basic, body("1"), { authorization: basicAuthHeader("mailgun", "pw-1") })).toEqual({ ok: true, verified: true });
    expect(verdict(basic, body("1"), { authorization: basicAuthHeader("mailgun", "pw-2") })).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("refuses a caller without basic auth before decoding its body", () => {
    const parsed = parseCredentials(mailgun, { signingKey: SIGNING_KEY, username: "mailgun", password: "pw-1" });
    if (!parsed.ok) throw new Error(parsed.message);
    let decoded = false;
    const result = mailgun.verify({
      request: inboundRequest({ headers: { "content-type": "application/json" }, body: body(NOW_TEXT) }),
      credentials: parsed.credentials as MailgunCredentials,
      now: NOW,
      body: () => {
        decoded = true;
        return { ok: true, value: JSON.parse(body(NOW_TEXT)) };
      },
      host: NO_HOST_SERVICES,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "unauthorized", location: "authorization" } });
    expect(decoded).toBe(false);
  });

  it("passes unverified when nothing is configured", () => {
    expect(verdict(undefined, body("1", OTHER_KEY))).toEqual({ ok: true, verified: false });
  });
});

describe("the signature window", () => {
  it.each([
    ["10 minutes old", NOW_SECONDS - 600, true],
    ["just over 10 minutes old", NOW_SECONDS - 601, false],
    ["5 minutes ahead", NOW_SECONDS + 300, true],
    ["just over 5 minutes ahead", NOW_SECONDS + 301, false],
  ])("a signature %s passes: %s", (_, at, passes) => {
    expect(verdict({ signingKey: SIGNING_KEY }, body(String(at))).ok).toBe(passes);
  });

  it("follows maxAgeSeconds", () => {
    expect(verdict({ signingKey: SIGNING_KEY, maxAgeSeconds: 60 }, body(String(NOW_SECONDS - 61)))).toMatchObject({ ok: false, code: "unauthorized" });
    expect(verdict({ signingKey: SIGNING_KEY, maxAgeSeconds: 3600 }, body(String(NOW_SECONDS - 3000)))).toEqual({ ok: true, verified: true });
  });

  it.each([
    ["no signature block", JSON.stringify({ "event-data": EVENT })],
    ["no token", JSON.stringify({ signature: { timestamp: NOW_TEXT, signature: sign(NOW_TEXT, "") }, "event-data": EVENT })],
    ["a timestamp that is not unix seconds", JSON.stringify({ signature: { timestamp: "yesterday", token: TOKEN, signature: sign("yesterday", TOKEN) }, "event-data": EVENT })],
    ["a signature that is not hex", JSON.stringify({ signature: { timestamp: NOW_TEXT, token: TOKEN, signature: "zz".repeat(32) }, "event-data": EVENT })],
  ])("refuses %s", (_, requestBody) => {
    expect(verdict({ signingKey: SIGNING_KEY }, requestBody)).toMatchObject({ ok: false, code: "unauthorized" });
  });
});
