import { describe, expect, it } from "vitest";
import { inboundRequest, normalize, parseCredentials, type NormalizeOutcome } from "@tidings/core";
import { mailgun } from "../src/index.js";
import { NOW, NOW_SECONDS, SIGNING_KEY, sign } from "./requests.js";

const credentials = (() => {
  const parsed = parseCredentials(mailgun, { signingKey: SIGNING_KEY });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credentials;
})();

const TOKEN = "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5";
const SIGNED_AT = String(NOW_SECONDS);

function run(eventData: Record<string, unknown>): NormalizeOutcome {
  const body = JSON.stringify({ signature: { timestamp: SIGNED_AT, token: TOKEN, signature: sign(SIGNED_AT, TOKEN) }, "event-data": eventData });
  return normalize(mailgun, inboundRequest({ headers: { "content-type": "application/json" }, body }), { credentials, now: NOW });
}

function details(eventData: Record<string, unknown>) {
  const outcome = run({ id: "e-1", timestamp: 1768471190.5, ...eventData });
  if (!outcome.ok) throw new Error(outcome.error.message);
  expect(outcome.unmapped).toEqual([]);
  return outcome.results[0]!.details;
}

describe("current webhook details", () => {
  it.each([
    ["bounce", "bounced"],
    ["delayed-bounce", "bounced"],
    ["suppress-bounce", "bounced"],
    ["suppress-unsubscribe", "unsubscribed"],
    ["suppress-complaint", "spam"],
    ["generic", "other"],
    ["SUPPRESS-COMPLAINT", "spam"],
    ["something-new", "other"],
  ])("a permanent failure for reason %s is rejectReason %s, bounceClass hard", (reason, expected) => {
    expect(details({ event: "failed", severity: "permanent", reason })).toMatchObject({ rejectReason: expected, bounceClass: "hard" });
  });

  it("gives a temporary failure bounceClass soft and no reject reason: Mailgun will retry", () => {
    const got = details({ event: "failed", severity: "temporary", reason: "generic" });
    expect(got?.bounceClass).toBe("soft");
    expect(got?.rejectReason).toBeUndefined();
  });

  it("puts a rejection's reject.reason in response, reject reason other", () => {
    const outcome = run({ event: "rejected", id: "r-1", timestamp: 1768471190, reject: { reason: "Sandbox subdomains are for test purposes only", description: "" } });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.results[0]).toMatchObject({ event: { status: "rejected", response: "Sandbox subdomains are for test purposes only" }, details: { rejectReason: "other" } });
  });

  it("keeps Mailgun's own codes (605) out of smtpCode, reading the reply instead", () => {
    expect(details({ event: "failed", severity: "permanent", "delivery-status": { code: 605, message: "" } })?.smtpCode).toBeUndefined();
    expect(details({ event: "failed", severity: "permanent", "delivery-status": { code: 605, message: "550 5.7.1 Rejected" } })).toMatchObject({
      smtpCode: "550",
      enhancedStatus: "5.7.1",
    });
  });

  it("prefers the enhanced code Mailgun reports over one read from the reply", () => {
    expect(details({ event: "failed", severity: "temporary", "delivery-status": { code: 421, "enhanced-code": "4.4.2", message: "421 4.7.0 Try later" } })).toMatchObject({
      smtpCode: "421",
      enhancedStatus: "4.4.2",
    });
  });

  it("gives a click URL to clicks only", () => {
    expect(details({ event: "clicked", url: "https://example.com/a" })?.clickUrl).toBe("https://example.com/a");
    expect(details({ event: "opened", url: "https://example.com/a" })?.clickUrl).toBeUndefined();
  });

  it("reads tags, user variables as text, client user agent and IP", () => {
    expect(
      details({
        event: "opened",
        recipient: "r@example.com",
        tags: ["a", "b"],
        "user-variables": { n: 1, o: { p: true }, s: "t" },
        ip: "50.56.129.169",
        "client-info": { "user-agent": "Mozilla/5.0" },
      }),
    ).toEqual({ recipient: "r@example.com", tags: ["a", "b"], metadata: { n: "1", o: '{"p":true}', s: "t" }, ip: "50.56.129.169", userAgent: "Mozilla/5.0" });
  });
});
