import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formPairs, hmac, urlWithSortedParams } from "../../src/verify/index.js";

const sha1Base64 = (key: string, text: string) => hmac("sha1", key, [text]).toString("base64");

/**
 * Twilio's request-validation vectors, from
 * https://github.com/twilio/twilio-python/blob/main/tests/unit/test_request_validator.py
 * (auth token "12345"; `expected` and `duplicate_expected`).
 */
const TWILIO = {
  token: "12345",
  url: "https://mycompany.com/myapp.php?foo=1&bar=2",
  params: { CallSid: "CA1234567890ABCDE", Digits: "1234", From: "+14158675309", To: "+18005551212", Caller: "+14158675309" },
  expected: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
  repeated: [["Sid", "CA123"], ["SidAccount", "AC123"], ["Digits", "5678"], ["Digits", "1234"], ["Digits", "1234"]] as [string, string][],
  repeatedExpected: "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
};

/** Plivo's signature vector, from https://github.com/plivo/plivo-node/blob/master/test/utils.js ("should compute signature correctly"). */
const PLIVO = {
  token: "MAXXXXXXXXXXXXXXXXXX",
  url: "http://foo.com/answer/",
  params: { CallUUID: "97ceeb52-58b6-11e1-86da-77300b68f8bb", Duration: "300" },
  expected: "EJEt0ELanhr8hjMPIJnLNLex0dE=",
};

describe("urlWithSortedParams", () => {
  it("reproduces Twilio's vector: the URL, then each name and value sorted by name", () => {
    const text = urlWithSortedParams(TWILIO.url, TWILIO.params);
    expect(text).toBe(`${TWILIO.url}CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212`);
    expect(sha1Base64(TWILIO.token, text)).toBe(TWILIO.expected);
  });

  it("reproduces Twilio's repeated-name vector with duplicates: unique (values sorted, repeats dropped)", () => {
    const text = urlWithSortedParams(TWILIO.url, TWILIO.repeated, { duplicates: "unique" });
    expect(text).toBe(`${TWILIO.url}Digits1234Digits5678SidCA123SidAccountAC123`);
    expect(sha1Base64(TWILIO.token, text)).toBe(TWILIO.repeatedExpected);
  });

  it("keeps repeated values by default, sorted, as Plivo's V3 helper does", () => {
    expect(urlWithSortedParams("u", TWILIO.repeated)).toBe("uDigits1234Digits1234Digits5678SidCA123SidAccountAC123");
    expect(urlWithSortedParams("u", { Digits: ["5678", "1234", "1234"] })).toBe("uDigits1234Digits1234Digits5678");
  });

  it("reproduces Plivo's vector", () => {
    expect(sha1Base64(PLIVO.token, urlWithSortedParams(PLIVO.url, PLIVO.params))).toBe(PLIVO.expected);
  });

  it("gives the same text for a record, a list of pairs and a Map", () => {
    const pairs = Object.entries(TWILIO.params).reverse();
    expect(urlWithSortedParams(TWILIO.url, pairs)).toBe(urlWithSortedParams(TWILIO.url, TWILIO.params));
    expect(urlWithSortedParams(TWILIO.url, new Map(pairs))).toBe(urlWithSortedParams(TWILIO.url, TWILIO.params));
  });

  it("sorts by UTF-16 code units, as both SDKs' JavaScript sort does (upper case before lower case)", () => {
    expect(urlWithSortedParams("", { b: "1", B: "2", a: "3", "\u00e9": "4" })).toBe("B2a3b1\u00e94");
  });

  it("treats prototype names as plain names", () => {
    const params = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    expect(urlWithSortedParams("u", params)).toBe("u__proto__xconstructory");
  });

  it("does not depend on the order fields arrive in", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), { maxLength: 8 }), fc.constantFrom("keep", "unique" as const), (pairs, duplicates) => {
        const shuffled = [...pairs].reverse();
        expect(urlWithSortedParams("u", shuffled, { duplicates })).toBe(urlWithSortedParams("u", pairs, { duplicates }));
      }),
    );
  });
});

describe("formPairs", () => {
  it("reads a form body as flat pairs in order, decoding + and percent escapes, keeping repeats and brackets", () => {
    const body = new TextEncoder().encode("To=%2B18005551212&Body=hello+world&a%5Bb%5D=1&Digits=5678&Digits=1234&empty=");
    expect(formPairs(body)).toEqual([
      ["To", "+18005551212"],
      ["Body", "hello world"],
      ["a[b]", "1"],
      ["Digits", "5678"],
      ["Digits", "1234"],
      ["empty", ""],
    ]);
  });

  it("with urlWithSortedParams, rebuilds Mandrill's signed text from its one JSON field", () => {
    const events = '[{"event":"send","ts":1365109999}]';
    const body = new TextEncoder().encode(`mandrill_events=${encodeURIComponent(events)}`);
    expect(urlWithSortedParams("https://example.com/webhook", formPairs(body))).toBe(`https://example.com/webhookmandrill_events${events}`);
  });
});
