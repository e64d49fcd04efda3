import { describe, expect, it } from "vitest";
import { BasicCredentialsSchema, inboundRequest, verifyBasicAuth } from "../src/index.js";

const withAuth = (user: string, pass: string) =>
  inboundRequest({ headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` }, body: "" });

describe("verifyBasicAuth", () => {
  const pair = { username: "admin", password: "password123" };

  it("accepts the configured pair and any of a rotation list", () => {
    expect(verifyBasicAuth(withAuth("admin", "password123"), pair)).toEqual({ ok: true, verified: true });
    expect(verifyBasicAuth(withAuth("admin", "new-one"), [pair, { username: "admin", password: "new-one" }])).toEqual({ ok: true, verified: true });
  });

  it.each([
    ["a wrong password", withAuth("admin", "password124")],
    ["a wrong user", withAuth("root", "password123")],
    ["a prefix of the password", withAuth("admin", "password")],
    ["no header", inboundRequest({ body: "" })],
    ["another scheme", inboundRequest({ headers: { authorization: "Bearer abc" }, body: "" })],
    ["garbage base64", inboundRequest({ headers: { authorization: "Basic !!!" }, body: "" })],
  ])("rejects %s", (_, request) => {
    expect(verifyBasicAuth(request, pair)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("says when nothing is configured instead of passing silently", () => {
    expect(verifyBasicAuth(withAuth("a", "b"), undefined)).toEqual({ ok: true, verified: false, reason: "no basic auth credentials are configured" });
  });

  it("accepts other spellings of the configured pair's header", () => {
    const encoded = Buffer.from("admin:password123").toString("base64");
    for (const authorization of [`basic ${encoded}`, `BASIC  ${encoded} `, `Basic ${encoded.replace(/=+$/, "")}`]) {
      expect(verifyBasicAuth(inboundRequest({ headers: { authorization }, body: "" }), pair)).toEqual({ ok: true, verified: true });
    }
  });

  it("keeps colons inside passwords", () => {
    expect(verifyBasicAuth(withAuth("u", "p:a:ss"), { username: "u", password: "p:a:ss" })).toEqual({ ok: true, verified: true });
  });

  it("reads the shared vocabulary's lists (rotation) and the older list of pairs alike", () => {
    const parsed = BasicCredentialsSchema.parse({ username: "u", password: ["old-secret", "new-secret"] });
    expect(verifyBasicAuth(withAuth("u", "old-secret"), parsed)).toEqual({ ok: true, verified: true });
    expect(verifyBasicAuth(withAuth("u", "new-secret"), parsed)).toEqual({ ok: true, verified: true });
    expect(verifyBasicAuth(withAuth("u", "other"), parsed).ok).toBe(false);
    const pairs = BasicCredentialsSchema.parse([{ username: "a", password: "1" }, { username: "b", password: "2" }]);
    expect(verifyBasicAuth(withAuth("b", "2"), pairs)).toEqual({ ok: true, verified: true });
    expect(verifyBasicAuth(withAuth("a", "2"), pairs).ok).toBe(false);
    expect(BasicCredentialsSchema.safeParse({ username: "u" }).success).toBe(false);
    expect(BasicCredentialsSchema.safeParse({ user: "u", password: "p" }).success).toBe(false);
  });
});
