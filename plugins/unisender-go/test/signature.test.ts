import { createHash } from "node:crypto";
import { NO_HOST_SERVICES, basicAuthHeader, inboundRequest, normalize, parseCredentials } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { unisenderGo, type UnisenderGoCredentials } from "../src/index.js";
import { API_KEY, AUTH_PLACEHOLDER, FORMATS, NOW, OLD_API_KEY, batched, format, signText, signedBody, statusEvent } from "./requests.js";

const EVENT = statusEvent({ job_id: "1a3Q2V-0000OZ-S0", email: "recipient.email@example.com", status: "delivered", event_time: "2015-11-30 15:09:42" });
const BODY = batched([EVENT]);
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

function verdict(configured: unknown, body: string, headers: Record<string, string> = {}) {
  const parsed = parseCredentials(unisenderGo, configured);
  if (!parsed.ok) throw new Error(parsed.message);
  const outcome = normalize(unisenderGo, inboundRequest({ headers: { "content-type": "application/json", ...headers }, body }), { credentials: parsed.credentials, now: NOW });
  return outcome.ok ? { ok: true, verified: outcome.verified } : { ok: false, code: outcome.error.code, message: outcome.error.message };
}

const VERIFIED = { ok: true, verified: true };
const KEY = { signingKey: API_KEY };

describe("the auth field", () => {
  it.each(FORMATS)("verifies a body written %s, over its own text", (how) => {
    expect(verdict(KEY, signedBody(BODY, API_KEY, how))).toEqual(VERIFIED);
  });

  it("verifies wherever auth sits and whatever case its hex digits are in", () => {
    const last = signText(JSON.stringify({ ...BODY, auth: AUTH_PLACEHOLDER }));
    expect(verdict(KEY, last)).toEqual(VERIFIED);
    const upper = signedBody(BODY).replace(/"auth":"([0-9a-f]{32})"/, (_, hex: string) => `"auth":"${hex.toUpperCase()}"`);
    expect(verdict(KEY, upper)).toEqual(VERIFIED);
  });

  it("hashes the bytes as sent, including text that is not ASCII", () => {
    const cyrillic = batched([statusEvent({ ...EVENT.event_data as object, metadata: { note: "Метаданные" } })]);
    expect(verdict(KEY, signedBody(cyrillic))).toEqual(VERIFIED);
    // Two bytes a letter before the auth value: offsets are counted in bytes.
    expect(verdict(KEY, signText(JSON.stringify({ ...cyrillic, auth: AUTH_PLACEHOLDER })))).toEqual(VERIFIED);
    const escaped = signText(JSON.stringify({ auth: AUTH_PLACEHOLDER, ...cyrillic }).replace(/[\u0400-\u04ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
    expect(verdict(KEY, escaped)).toEqual(VERIFIED);
    // The same digest over the other spelling of the same JSON is not the same text.
    const respelled = escaped.replace(/\\u([0-9a-f]{4})/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
    expect(verdict(KEY, respelled)).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it.each([
    ["the body has no auth field", JSON.stringify(BODY)],
    ["the body has more than one auth field", signedBody(BODY).replace('"events_by_user"', '"auth":"00000000000000000000000000000000","events_by_user"')],
    ["the body has more than one auth field", signedBody(batched([statusEvent({ ...EVENT.event_data as object, metadata: { auth: "yes" } })]))],
    ["not an MD5 digest", signedBody(BODY).replace(/"auth":"[0-9a-f]{32}"/, '"auth":"0123456789abcdef0123456789abcde"')],
    ["not an MD5 digest", signedBody(BODY).replace(/"auth":"[0-9a-f]{32}"/, '"auth":"0123456789abcdef0123456789abcdef0"')],
    ["not an MD5 digest", signedBody(BODY).replace(/"auth":"[0-9a-f]{32}"/, '"auth":"0123456789abcdef0123456789abcdeg"')],
    ["not an MD5 digest", signedBody(BODY).replace(/"auth":"[0-9a-f]{32}"/, '"auth":null')],
    ["not an MD5 digest", signedBody(BODY).replace(/"auth":"[0-9a-f]{32}"/, '"auth":""')],
    ["does not match", signedBody(BODY, OLD_API_KEY)],
    ["does not match", signedBody(BODY).replace("delivered", "opened")],
  ])("refuses a body where %s", (reason, body) => {
    const result = verdict(KEY, body);
    expect(result).toMatchObject({ ok: false, code: "unauthorized" });
    expect(result.message).toContain(reason);
  });

  it("refuses a digest that only a nested auth field carries", () => {
    // Signed the way Unisender Go signs, but over a value below the top level.
    const text = JSON.stringify(batched([statusEvent({ ...EVENT.event_data as object, metadata: { auth: AUTH_PLACEHOLDER } })]));
    const result = verdict(KEY, signText(text));
    expect(result).toMatchObject({ ok: false, code: "unauthorized" });
    expect(result.message).toContain("top-level");
  });

  it("refuses a matching digest over a body that does not decode", () => {
    // What a length extension produces: the signed text with bytes appended after the JSON.
    const text = `{"auth":"${md5(`{"auth":"${API_KEY}","events_by_user":[]}\u0080\u0000`)}","events_by_user":[]}\u0080\u0000`;
    expect(verdict(KEY, text)).toMatchObject({ ok: false, code: "malformed_body" });
  });

  it("verifies with any key of a rotation list, and only with one of them", () => {
    const rotating = { signingKey: [API_KEY, OLD_API_KEY] };
    expect(verdict(rotating, signedBody(BODY, OLD_API_KEY))).toEqual(VERIFIED);
    expect(verdict(rotating, signedBody(BODY, API_KEY))).toEqual(VERIFIED);
    expect(verdict(rotating, signedBody(BODY, "neither-of-the-two-keys-000000000000000"))).toMatchObject({ ok: false, code: "unauthorized" });
  });
});

describe("credentials", () => {
  it.each([
    [{ signingKey: [] }, "signingKey"],
    [{ signingKey: "" }, "signingKey"],
    [{ apiKey: API_KEY }, "apiKey"],
    [{ username: "u" }, "password"],
  ])("refuses %j, naming %s", (configured, named) => {
    const parsed = parseCredentials(unisenderGo, configured);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(named);
  });

  it("requires both the auth field and basic auth when both are configured", () => {
    const both = { signingKey: API_KEY, username: "unisender", password: "pw-1" };
    const auth = { authorization: basicAuthHeader("unisender", "pw-1") };
    expect(verdict(both, signedBody(BODY), auth)).toEqual(VERIFIED);
    expect(verdict(both, signedBody(BODY))).toMatchObject({ ok: false, code: "unauthorized" });
    expect(verdict(both, signedBody(BODY, OLD_API_KEY), auth)).toMatchObject({ ok: false, code: "unauthorized" });
    expect(verdict(both, JSON.stringify(BODY), auth)).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("lets basic auth alone verify when no API key is configured, auth field or not", () => {
    const basic = { username: "unisender", password: "pw-1" };
    expect(verdict(basic, JSON.stringify(BODY), { authorization: basicAuthHeader("unisender", "pw-1") })).toEqual(VERIFIED);
    expect(verdict(basic, signedBody(BODY, OLD_API_KEY), { authorization: basicAuthHeader("unisender", "pw-2") })).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("refuses a caller without basic auth before decoding its body", () => {
    const parsed = parseCredentials(unisenderGo, { signingKey: API_KEY, username: "unisender", password: "pw-1" });
    if (!parsed.ok) throw new Error(parsed.message);
    let decoded = false;
    const result = unisenderGo.verify({
      request: inboundRequest({ headers: { "content-type": "application/json" }, body: signedBody(BODY) }),
      credentials: parsed.credentials as UnisenderGoCredentials,
      now: NOW,
      body: () => {
        decoded = true;
        return { ok: true, value: BODY };
      },
      host: NO_HOST_SERVICES,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "unauthorized", location: "authorization" } });
    expect(decoded).toBe(false);
  });

  it("passes unverified when nothing is configured", () => {
    expect(verdict(undefined, format(BODY, "compact"))).toEqual({ ok: true, verified: false });
  });
});
