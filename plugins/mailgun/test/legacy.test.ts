import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inboundRequest, normalize, parseCredentials, type NormalizeOutcome } from "@tidings/core";
import { mailgun } from "../src/index.js";
import { NOW, NOW_SECONDS, SIGNING_KEY, legacyFields, multipartRequest, sign } from "./requests.js";

const credentials = (() => {
  const parsed = parseCredentials(mailgun, { signingKey: SIGNING_KEY });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credentials;
})();

const FORM = "application/x-www-form-urlencoded";
const TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a697887";
const SIGNED_AT = String(NOW_SECONDS - 10);
const signature = (timestamp = SIGNED_AT): [string, string][] => [["timestamp", timestamp], ["token", TOKEN], ["signature", sign(timestamp, TOKEN)]];

function run(contentType: string, body: string | Uint8Array): NormalizeOutcome {
  return normalize(mailgun, inboundRequest({ headers: { "content-type": contentType }, body }), { credentials, now: NOW });
}

function form(fields: readonly (readonly [string, string])[]): NormalizeOutcome {
  return run(FORM, new URLSearchParams(fields.map(([k, v]): [string, string] => [k, v])).toString());
}

function only(outcome: NormalizeOutcome) {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  expect(outcome.unmapped).toEqual([]);
  expect(outcome.results).toHaveLength(1);
  return outcome.results[0]!;
}

describe("telling the generations apart", () => {
  it("reads a body with event-data as a current webhook, whatever else it holds", () => {
    const body = {
      signature: { timestamp: SIGNED_AT, token: TOKEN, signature: sign(SIGNED_AT, TOKEN) },
      "event-data": { event: "delivered", id: "d-1", timestamp: 1768471190, recipient: "a@example.com", tags: ["t"] },
      event: "bounced",
      tag: "legacy-tag",
    };
    const result = only(run("application/json", JSON.stringify(body)));
    expect(result).toMatchObject({ id: "d-1", event: { status: "delivered" }, details: { recipient: "a@example.com", tags: ["t"] } });
  });

  it("reads a post without event-data as a legacy event, signature fields beside its own", () => {
    const result = only(form([["event", "bounced"], ["recipient", "b@example.com"], ["tag", "legacy-tag"], ...signature()]));
    expect(result.event).toMatchObject({ status: "bounced", date: new Date(Number(SIGNED_AT) * 1000).toISOString() });
    expect(result.details).toMatchObject({ recipient: "b@example.com", tags: ["legacy-tag"], bounceClass: "hard", rejectReason: "bounced" });
  });

  it("keeps the whole legacy post as the event's row, signature included", () => {
    const result = only(form([["event", "opened"], ["recipient", "o@example.com"], ...signature()]));
    expect(JSON.parse(result.event.row!)).toEqual({ event: "opened", recipient: "o@example.com", timestamp: SIGNED_AT, token: TOKEN, signature: sign(SIGNED_AT, TOKEN) });
  });
});

describe("legacy multipart posts", () => {
  it("normalize exactly as the same fields posted urlencoded", async () => {
    const names = fc.constantFrom("delivered", "dropped", "bounced", "complained", "unsubscribed", "clicked", "opened");
    await fc.assert(
      fc.asyncProperty(names.chain(legacyFields), async (fields) => {
        const { contentType, body } = await multipartRequest(fields);
        const multipart = run(contentType, body);
        expect(multipart.ok).toBe(true);
        expect(multipart).toEqual(form(fields));
      }),
    );
  });

  it("read a bounce whose report is attached, and keep the attachment's description in the row", async () => {
    const report = "Reporting-MTA: dns; mx.example.net\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown";
    const { contentType, body } = await multipartRequest([
      ["event", "bounced"],
      ["recipient", "bob@example.net"],
      ["code", "550"],
      ["error", "550 5.1.1 User unknown"],
      ["attachment-1", new Blob([report], { type: "message/delivery-status" }), "details.txt"],
      ["attachment-2", new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff])], { type: "image/png" }), "logo.png"],
      ...signature(),
    ]);
    const result = only(run(contentType, body));
    expect(result.details).toMatchObject({ smtpCode: "550", enhancedStatus: "5.1.1", mtaResponse: "550 5.1.1 User unknown" });
    expect(result.details?.metadata).toBeUndefined();
    expect(JSON.parse(result.event.row!)).toMatchObject({
      "attachment-1": { filename: "details.txt", contentType: "message/delivery-status", size: String(report.length), text: report },
      "attachment-2": { filename: "logo.png", contentType: "image/png", size: "5" },
    });
  });

  it("are refused, not guessed at, when cut short", async () => {
    const { contentType, body } = await multipartRequest([["event", "delivered"], ...signature()]);
    expect(run(contentType, body.subarray(0, body.length - 20))).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });
});

describe("legacy tags", () => {
  it.each([
    ["repeated tag fields", [["tag", "a"], ["tag", "b"]], ["a", "b"]],
    ["one tag field", [["tag", "a"]], ["a"]],
    ["X-Mailgun-Tag when there is no tag", [["X-Mailgun-Tag", "x"], ["X-Mailgun-Tag", "y"]], ["x", "y"]],
    ["tag before X-Mailgun-Tag", [["X-Mailgun-Tag", "x"], ["tag", "a"]], ["a"]],
    ["no tags at all", [], undefined],
  ] as const)("%s", (_, tags, expected) => {
    const result = only(form([["event", "opened"], ...tags, ...signature()]));
    expect(result.details?.tags).toEqual(expected);
  });
});

describe("legacy variables (metadata)", () => {
  const headers = (...variables: string[]) => JSON.stringify([["Message-Id", "<m@mg.example.com>"], ...variables.map((v) => ["X-Mailgun-Variables", v])]);

  it("combines every X-Mailgun-Variables header of message-headers, writing values as text", () => {
    const result = only(form([["event", "delivered"], ["message-headers", headers('{"a": "1", "n": 2}', '{"b": {"c": true}}')], ["a", "1"], ...signature()]));
    expect(result.details?.metadata).toEqual({ a: "1", n: "2", b: '{"c":true}' });
    expect(result.event.externalId).toBe("m@mg.example.com");
  });

  it("reads an X-Mailgun-Variables field too", () => {
    const result = only(form([["event", "opened"], ["X-Mailgun-Variables", '{"user": "42"}'], ...signature()]));
    expect(result.details?.metadata).toEqual({ user: "42" });
  });

  it("takes the other fields for variables when the event carries no message-headers", () => {
    const result = only(form([["event", "clicked"], ["url", "https://x.example/"], ["client-name", "Chrome"], ["user-id", "42"], ["attachment-1", "x"], ...signature()]));
    expect(result.details?.metadata).toEqual({ "user-id": "42" });
  });

  it("takes no fields for variables when message-headers declares none", () => {
    const result = only(form([["event", "delivered"], ["message-headers", headers()], ["stray", "field"], ...signature()]));
    expect(result.details?.metadata).toBeUndefined();
  });

  it("keeps the event when a variables header is not JSON", () => {
    const result = only(form([["event", "delivered"], ["message-headers", headers("{not json", '{"ok": "yes"}')], ...signature()]));
    expect(result.details?.metadata).toEqual({ ok: "yes" });
    const broken = only(form([["event", "delivered"], ["message-headers", "[[not json"], ...signature()]));
    expect(broken.details?.metadata).toBeUndefined();
    expect(broken.event.externalId).toBeUndefined();
  });

  it("keeps a __proto__ variable a plain key", () => {
    const result = only(form([["event", "delivered"], ["message-headers", headers('{"__proto__": {"polluted": "yes"}, "constructor": "c"}')], ...signature()]));
    expect(Object.getOwnPropertyNames(result.details?.metadata)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("legacy fields repeated by a variable of the same name", () => {
  it("reads Mailgun's value of an event field (the first) and of a signature field (the last)", () => {
    const fields: [string, string][] = [["event", "opened"], ["recipient", "r@example.com"], ["timestamp", "not-a-time"], ["event", "campaign-x"], ...signature()];
    const result = only(form(fields));
    expect(result.event).toMatchObject({ status: "opened", date: new Date(Number(SIGNED_AT) * 1000).toISOString() });
  });
});

describe("legacy drop reasons", () => {
  it.each([
    [[["reason", "old"]], "timed_out"],
    [[["reason", "hardfail"], ["code", "605"]], "bounced"],
    [[["reason", "hardfail"], ["code", "606"]], "unsubscribed"],
    [[["reason", "hardfail"], ["code", "607"]], "spam"],
    [[["reason", "hardfail"], ["code", "550"]], "bounced"],
    [[["reason", "hardfail"]], "other"],
  ] as const)("%j -> %s", (fields, expected) => {
    const result = only(form([["event", "dropped"], ...fields, ...signature()]));
    expect(result.event.status).toBe("dropped");
    expect(result.details?.rejectReason).toBe(expected);
    expect(result.details?.bounceClass).toBeUndefined();
  });
});
