import { basicAuthHeader, inboundRequest, normalize, parseCredentials } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { mailjet } from "../src/index.js";

const BODY = `{"event":"open","time":1433103519,"MessageID":19421777396190490}`;

function verdict(configured: unknown, authorization?: string) {
  const credentials = parseCredentials(mailjet, configured);
  if (!credentials.ok) throw new Error(credentials.message);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== undefined) headers["authorization"] = authorization;
  return normalize(mailjet, inboundRequest({ headers, body: BODY }), { credentials: credentials.credentials });
}

describe("mailjet verification", () => {
  it("leaves a call unverified when nothing is configured, so the host accepts it only with an API key", () => {
    for (const configured of [undefined, {}]) {
      const outcome = verdict(configured, basicAuthHeader("anyone", "anything"));
      expect(outcome).toMatchObject({ ok: true, verified: false });
    }
  });

  it("verifies the configured pair and refuses a wrong or missing one", () => {
    const pair = { username: "mailjet-hook", password: "s3cret-pass" };
    expect(verdict(pair, basicAuthHeader("mailjet-hook", "s3cret-pass"))).toMatchObject({ ok: true, verified: true });
    expect(verdict(pair, basicAuthHeader("mailjet-hook", "s3cret-pasS"))).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(verdict(pair)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("accepts either pair while one is rotated, paired by position", () => {
    const rotation = { username: ["old-user", "new-user"], password: ["old-pass", "new-pass"] };
    expect(verdict(rotation, basicAuthHeader("old-user", "old-pass"))).toMatchObject({ verified: true });
    expect(verdict(rotation, basicAuthHeader("new-user", "new-pass"))).toMatchObject({ verified: true });
    expect(verdict(rotation, basicAuthHeader("new-user", "old-pass"))).toMatchObject({ ok: false });
    const newPassword = { username: "user", password: ["old-pass", "new-pass"] };
    expect(verdict(newPassword, basicAuthHeader("user", "new-pass"))).toMatchObject({ verified: true });
  });

  it("refuses credentials it does not use", () => {
    expect(parseCredentials(mailjet, { username: "only-user" }).ok).toBe(false);
    expect(parseCredentials(mailjet, { username: "u", password: "p", signingKey: "k" }).ok).toBe(false);
    expect(parseCredentials(mailjet, { apiKey: "k" }).ok).toBe(false);
  });
});
