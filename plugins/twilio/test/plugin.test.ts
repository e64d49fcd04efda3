import { createHmac } from "node:crypto";
import fc from "fast-check";
import { basicAuthHeader, rowHash, inboundRequest, normalize, parseCredentials, verifyRequest } from "@tidings/core";
import { testPlugin, testSignatures } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, twilio } from "../src/index.js";
import { CALLBACK_URL, NOW, OLD_TOKEN, OTHER_TOKEN, TOKEN, callbackParams, formBody, signedRequest, twilioSignature, type Params } from "./requests.js";

const CREDENTIALS = { signingKey: [OLD_TOKEN, TOKEN], url: CALLBACK_URL };

testPlugin({ plugin: twilio, credentials: CREDENTIALS, now: NOW, requestFor: (name) => callbackParams(name).map((params) => signedRequest(params)) });

const SID = "SM1342fe1b2c904d1ab04f0fc7a58abca9";
const DELIVERED: Params = [
  ["AccountSid", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  ["ApiVersion", "2010-04-01"],
  ["From", "+15017250604"],
  ["MessageSid", SID],
  ["MessageStatus", "delivered"],
  ["SmsSid", SID],
  ["SmsStatus", "delivered"],
  ["To", "+15558675310"],
];

testSignatures({
  plugin: twilio,
  credentials: { signingKey: TOKEN, url: CALLBACK_URL },
  wrongCredentials: { signingKey: OTHER_TOKEN, url: CALLBACK_URL },
  now: NOW,
  validRequest: signedRequest(DELIVERED),
  stripHeaders: [SIGNATURE_HEADER],
  exempt: {
    "a stale request is unauthorized":
      "Twilio signs no time: X-Twilio-Signature covers the URL and the POST parameters only, so a replay cannot be dated; a replayed callback is the same event (MessageSid and status) and is de-duplicated",
  },
});

function credentialsOf(configured: unknown) {
  const parsed = parseCredentials(twilio, configured);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credentials;
}

const run = (params: Params | string, headers: Record<string, string> = {}, configured: unknown = undefined) =>
  normalize(
    twilio,
    inboundRequest({ headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: typeof params === "string" ? params : formBody(params) }),
    { credentials: configured === undefined ? undefined : credentialsOf(configured), now: NOW },
  );

const signed = (params: Params, token = TOKEN, url = CALLBACK_URL) => ({ [SIGNATURE_HEADER]: twilioSignature(token, url, params) });

const only = (params: Params) => {
  const outcome = run(params);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome;
};

const withParams = (params: Params, changes: Record<string, string | undefined>): Params => [
  ...params.filter(([name]) => !Object.hasOwn(changes, name)),
  ...Object.entries(changes).flatMap(([name, value]) => (value === undefined ? [] : [[name, value] as const])),
];

describe("twilio credentials", () => {
  it("refuses an Auth Token without the callback URL, saying why", () => {
    const parsed = parseCredentials(twilio, { signingKey: TOKEN });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/url.*required with signingKey: Twilio signs the status callback URL/s);
  });

  it.each([
    [{ url: CALLBACK_URL }, "signingKey"],
    [{ signingKey: TOKEN, url: "ftp://hooks.example.com/twilio" }, "url"],
    [{ signingKey: TOKEN, url: [] }, "url"],
    [{ authToken: TOKEN, url: CALLBACK_URL }, "authToken"],
    [{ username: "twilio" }, "password"],
  ])("refuses %j, naming %s", (configured, named) => {
    const parsed = parseCredentials(twilio, configured);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(named);
  });

  it("accepts lists of tokens and URLs, and basic auth alone", () => {
    expect(parseCredentials(twilio, { signingKey: [OLD_TOKEN, TOKEN], url: [CALLBACK_URL, "https://other.example.com/twilio"] }).ok).toBe(true);
    expect(parseCredentials(twilio, { username: "twilio", password: "pw" }).ok).toBe(true);
  });
});

describe("twilio signatures", () => {
  it("verify whatever the order of the parameters in the body, and fail when any parameter changes, goes or is added", () => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant("edit" as const), at: fc.nat(), value: fc.string({ minLength: 1, maxLength: 12 }) }),
      fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("add" as const), name: fc.stringMatching(/^[A-Z][A-Za-z]{2,12}$/), value: fc.string({ maxLength: 12 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...twilio.events).chain(callbackParams), change, (params, how) => {
        const headers = signed(params);
        expect(run([...params].reverse(), headers, CREDENTIALS)).toMatchObject({ ok: true, verified: true });
        let tampered: Params;
        if (how.kind === "add") {
          if (params.some(([name]) => name === how.name)) return;
          tampered = [...params, [how.name, how.value]];
        } else {
          const index = how.at % params.length;
          if (how.kind === "drop") tampered = params.filter((_, i) => i !== index);
          else if (params[index]![1] === how.value) return;
          else tampered = params.map((pair, i) => (i === index ? [pair[0], how.value] : pair));
        }
        expect(run(tampered, headers, CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
      }),
      { numRuns: 150 },
    );
  });

  it("covers a repeated parameter's values sorted and de-duplicated, as Twilio signs them", () => {
    const params: Params = [...DELIVERED, ["Digits", "5678"], ["Digits", "1234"], ["Digits", "1234"]];
    expect(run(params, signed(params), CREDENTIALS)).toMatchObject({ ok: true, verified: true });
    const keptCopies = { [SIGNATURE_HEADER]: signatureKeepingCopies(params) };
    expect(run(params, keptCopies, CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("checks the URL Twilio called as configured, never the one the request reached", () => {
    const other = "https://hooks.example.com/v2/inbound-webhooks/delivery-providers/staging/twilio?source=messaging";
    expect(run(DELIVERED, signed(DELIVERED, TOKEN, other), CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(DELIVERED, signed(DELIVERED, TOKEN, other), { signingKey: TOKEN, url: [CALLBACK_URL, other] })).toMatchObject({ ok: true, verified: true });
    expect(run(DELIVERED, signed(DELIVERED, TOKEN, `${CALLBACK_URL}&extra=1`), CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(DELIVERED, signed(DELIVERED, TOKEN, CALLBACK_URL.replace("https:", "http:")), CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("verifies with either token of a rotation and refuses a token no longer configured", () => {
    expect(run(DELIVERED, signed(DELIVERED, OLD_TOKEN), CREDENTIALS)).toMatchObject({ ok: true, verified: true });
    expect(run(DELIVERED, signed(DELIVERED, OLD_TOKEN), { signingKey: TOKEN, url: CALLBACK_URL })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("refuses malformed and oversized signatures as unauthorized, never a throw", () => {
    for (const header of ["", "not base64!", "AAAA", "=".repeat(28), "x".repeat(100_000), twilioSignature(TOKEN, CALLBACK_URL, DELIVERED).slice(1)]) {
      expect(run(DELIVERED, { [SIGNATURE_HEADER]: header }, CREDENTIALS)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    }
  });

  it("requires the signature and basic auth when both are configured, and basic auth alone when only it is", () => {
    const both = { ...CREDENTIALS, username: "twilio", password: "callback-pw" };
    const auth = { authorization: basicAuthHeader("twilio", "callback-pw") };
    expect(run(DELIVERED, { ...signed(DELIVERED), ...auth }, both)).toMatchObject({ ok: true, verified: true });
    expect(run(DELIVERED, signed(DELIVERED), both)).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(run(DELIVERED, auth, both)).toMatchObject({ ok: false, error: { code: "unauthorized", location: SIGNATURE_HEADER } });
    expect(run(DELIVERED, auth, { username: "twilio", password: "callback-pw" })).toMatchObject({ ok: true, verified: true });
  });

  it("passes unverified, saying why, when nothing is configured", () => {
    expect(run(DELIVERED, signed(DELIVERED))).toMatchObject({ ok: true, verified: false, results: [{ event: { status: "delivered" } }] });
    const request = inboundRequest({ headers: { "content-type": "application/x-www-form-urlencoded" }, body: formBody(DELIVERED) });
    expect(verifyRequest(twilio, request, { credentials: undefined, now: NOW })).toMatchObject({ ok: true, verified: false, reason: expect.stringContaining("Auth Token") });
  });
});

/** The same algorithm keeping every copy of a repeated value: what Twilio does not sign. */
function signatureKeepingCopies(params: Params): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return createHmac("sha1", TOKEN).update(sorted.reduce((data, [name, value]) => data + name + value, CALLBACK_URL)).digest("base64");
}

describe("twilio names", () => {
  it("reads MessageStatus in any case, and SmsStatus when MessageStatus is missing or empty", () => {
    expect(only(withParams(DELIVERED, { MessageStatus: "DELIVERED" }))).toMatchObject({ results: [{ event: { status: "delivered" } }] });
    expect(only(withParams(DELIVERED, { MessageStatus: undefined, SmsStatus: "undelivered" }))).toMatchObject({ results: [{ event: { status: "undelivered" } }] });
    expect(only(withParams(DELIVERED, { MessageStatus: "", SmsStatus: "sent" }))).toMatchObject({ results: [{ event: { status: "sent" } }] });
  });

  it("prefers MessageStatus when the two disagree", () => {
    expect(only(withParams(DELIVERED, { SmsStatus: "sent" }))).toMatchObject({ results: [{ event: { status: "delivered" } }] });
  });

  it("leaves a callback without a status unmapped as invalid", () => {
    expect(only(withParams(DELIVERED, { MessageStatus: undefined, SmsStatus: undefined }))).toMatchObject({ results: [], unmapped: [{ code: "invalid_event" }] });
  });
});

describe("twilio readers", () => {
  it("gives a re-delivered callback the same id whatever else changed, and another status another id", () => {
    const first = only(DELIVERED).results[0]!;
    expect(first.id).toBe(`${SID}:delivered`);
    const again = only(withParams([...DELIVERED].reverse(), { RawDlrDoneDate: "2601150959", ApiVersion: undefined })).results[0]!;
    expect(again.id).toBe(first.id);
    expect(only(withParams(DELIVERED, { MessageStatus: "sent" })).results[0]!.id).toBe(`${SID}:sent`);
  });

  it("hashes a callback without a message SID, or whose id would be too long", () => {
    const anonymous = withParams(DELIVERED, { MessageSid: undefined, SmsSid: undefined });
    const outcome = only(anonymous);
    expect(outcome.results[0]!.id).toBe(rowHash(JSON.stringify(Object.fromEntries(anonymous))));
    const long = "SM" + "a".repeat(600);
    expect(only(withParams(DELIVERED, { MessageSid: long })).results[0]).toMatchObject({ id: expect.not.stringContaining(long), event: { externalId: long } });
  });

  it("reads the message SID as externalId, falling back to SmsSid, and To as the recipient", () => {
    expect(only(DELIVERED)).toMatchObject({ results: [{ event: { externalId: SID, date: NOW.toISOString() }, details: { recipient: "+15558675310", dateSource: "received" } }] });
    expect(only(withParams(DELIVERED, { MessageSid: undefined }))).toMatchObject({ results: [{ event: { externalId: SID } }] });
  });

  it("describes an error by Twilio's ErrorMessage, else the dictionary's title, else the code alone", () => {
    const undelivered = withParams(DELIVERED, { MessageStatus: "undelivered", ErrorCode: "30005" });
    expect(only(undelivered).results[0]).toMatchObject({
      event: { response: "error 30005: Unknown destination handset" },
      details: { rejectReason: "invalid", description: "error 30005: Unknown destination handset" },
    });
    expect(only(withParams(undelivered, { ErrorMessage: "Unknown handset (carrier said so)" })).results[0]).toMatchObject({
      event: { response: "error 30005: Unknown handset (carrier said so)" },
    });
    const unknown = only(withParams(undelivered, { ErrorCode: "63016" })).results[0]!;
    expect(unknown.event.response).toBe("error 63016");
    expect(unknown.details?.rejectReason).toBeUndefined();
    for (const code of ["__proto__", "constructor", "toString"]) {
      expect(only(withParams(undelivered, { ErrorCode: code })).results[0]!.event.response).toBe(`error ${code}`);
    }
  });

  it("gives a reject reason only to failed and undelivered messages", () => {
    expect(only(withParams(DELIVERED, { MessageStatus: "failed", ErrorCode: "21610" })).results[0]!.details?.rejectReason).toBe("unsubscribed");
    expect(only(withParams(DELIVERED, { MessageStatus: "undelivered", ErrorCode: "30007" })).results[0]!.details?.rejectReason).toBe("blocked");
    expect(only(withParams(DELIVERED, { ErrorCode: "30005" })).results[0]!.details?.rejectReason).toBeUndefined();
  });

  it("offers a well-formed RawDlrDoneDate as text and leaves anything else out", () => {
    const description = (value: string) => only(withParams(DELIVERED, { RawDlrDoneDate: value })).results[0]!.details?.description;
    expect(description("2303092021")).toBe("carrier receipt done date 2303092021 (YYMMDDhhmm, zone not stated)");
    for (const value of ["2313092021", "2303322021", "2303092461", "230309202", "2303092021Z", "x".repeat(70_000)]) expect(description(value)).toBeUndefined();
  });

  it("carries a WhatsApp channel's failure text in the response", () => {
    const failed = withParams(DELIVERED, { MessageStatus: "failed", ErrorCode: "63016", ChannelStatusMessage: "outside the allowed window", To: "whatsapp:+15558675310" });
    expect(only(failed).results[0]).toMatchObject({
      event: { response: "error 63016; outside the allowed window" },
      details: { recipient: "whatsapp:+15558675310", description: "error 63016; outside the allowed window" },
    });
  });

  it("ignores read receipts and inbound statuses with their reason", () => {
    for (const status of ["read", "receiving", "received", "partially_delivered"]) {
      expect(only(withParams(DELIVERED, { MessageStatus: status }))).toMatchObject({ results: [], ignored: [{ name: status, reason: expect.any(String) }] });
    }
  });
});

describe("twilio host hints", () => {
  it("names the setting that makes Twilio POST, and the provider-side steps", () => {
    expect(twilio.methodHint).toMatch(/method.*POST/);
    expect(twilio.setup).toMatch(/Auth Token.*signingKey/s);
    expect(twilio.eventTime).toBe("none");
  });
});
