import { inboundRequest, normalize, parseCredentials } from "@tidings/core";
import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, twilio } from "../src/index.js";
import { formBody, twilioSignature, type Params } from "./requests.js";

/**
 * Twilio's own test vectors for its request validator: twilio-node spec/validation.spec.js
 * ("Request validation") and spec/unit/webhooks/webhooks.spec.js, which check `validateRequest(
 * authToken, signature, url, params)`. Here the URL is the integration's configured `url`, the
 * parameters are posted as the form body Twilio would send, and the outcome must be the SDK's.
 * (The `bodySHA256` cases are for JSON bodies, which status callbacks never are.)
 */
const TOKEN = "12345";
const REQUEST_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const DEFAULT_PARAMS: Params = [
  ["CallSid", "CA1234567890ABCDE"],
  ["Caller", "+14158675309"],
  ["Digits", "1234"],
  ["From", "+14158675309"],
  ["To", "+18005551212"],
];
const DEFAULT_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

function validates(url: string, signature: string | undefined, params: Params = DEFAULT_PARAMS, token = TOKEN): boolean {
  const parsed = parseCredentials(twilio, { signingKey: token, url });
  if (!parsed.ok) throw new Error(parsed.message);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (signature !== undefined) headers[SIGNATURE_HEADER] = signature;
  const outcome = normalize(twilio, inboundRequest({ headers, body: formBody(params) }), { credentials: parsed.credentials });
  if (!outcome.ok && outcome.error.code !== "unauthorized") throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.ok && outcome.verified;
}

describe("twilio-node spec/validation.spec.js vectors", () => {
  it.each([
    ["should succeed with the correct signature", REQUEST_URL, DEFAULT_SIGNATURE, true],
    ["should fail when given the wrong signature", REQUEST_URL, "WRONG_SIGNATURE", false],
    ["should fail when signature undefined", REQUEST_URL, undefined, false],
    ["should validate https urls with ports by stripping them", REQUEST_URL.replace(".com", ".com:1234"), DEFAULT_SIGNATURE, true],
    ["should validate http urls with ports", REQUEST_URL.replace(".com", ".com:1234").replace("https", "http"), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", true],
    ["should validate https urls without ports by adding standard port 443", REQUEST_URL, "kvajT1Ptam85bY51eRf/AJRuM3w=", true],
    ["should validate http urls without ports by adding standard port 80", REQUEST_URL.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4=", true],
    ["should validate urls with credentials", "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "CukzLTc1tT5dXEDIHm/tKBanW10=", true],
    ["should validate urls with just username", "https://user@mycompany.com/myapp.php?foo=1&bar=2", "2YRLlVAflCqxaNicjMpJcSTgzSs=", true],
    ["should validate urls with credentials by adding port", "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=", true],
    ["should validate urls with special characters", `${REQUEST_URL}&Body=It's+amazing`, "TfZzewPq8wqrGlMfyAud8+/IvJ0=", true],
  ] as const)("%s", (_name, url, signature, expected) => {
    expect(validates(url, signature)).toBe(expected);
  });

  it("should validate request body with an array parameter regardless of the position of values in the array", () => {
    const signature = "83O6e2vORAoJHUNzJjDWN1jz+BA=";
    expect(validates(REQUEST_URL, signature, [["MessagingBinding.Address", "+1325xxxxxxx"], ["MessagingBinding.Address", "+1415xxxxxxx"]])).toBe(true);
    expect(validates(REQUEST_URL, signature, [["MessagingBinding.Address", "+1415xxxxxxx"], ["MessagingBinding.Address", "+1325xxxxxxx"]])).toBe(true);
  });

  it("should validate request body with multiple params and values", () => {
    const params: Params = [["Sid", "CA123"], ["SidAccount", "AC123"], ["Digits", "5678"], ["Digits", "1234"], ["Digits", "1234"]];
    expect(validates(REQUEST_URL, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", params)).toBe(true);
  });

  it("fails the SDK's correct signature under another token", () => {
    expect(validates(REQUEST_URL, DEFAULT_SIGNATURE, DEFAULT_PARAMS, "54321")).toBe(false);
  });
});

describe("twilio-node spec/unit/webhooks/webhooks.spec.js cases", () => {
  const authToken = "s3cr3t";
  const cases = [
    ["the signature URL does not match the target URL", "https://example.com/path?test=param", "https://example.com/path?test=param2", false],
    ["signed with the port, target with the port", "https://example.com:443/path?test=param", "https://example.com:443/path?test=param", true],
    ["signed with the port, target without it", "https://example.com:443/path?test=param", "https://example.com/path?test=param", true],
    ["signed without the port, target without it", "https://example.com/path?test=param", "https://example.com/path?test=param", true],
    ["signed without the port, target with it", "https://example.com/path?test=param", "https://example.com:443/path?test=param", true],
    ["signed with an unescaped quote, target unescaped", "https://example.com/path?test=param'WithQuote", "https://example.com/path?test=param'WithQuote", true],
    ["signed with an unescaped quote, target escaped", "https://example.com/path?test=param'WithQuote", "https://example.com/path?test=param%27WithQuote", true],
    ["signed with an escaped quote, target unescaped", "https://example.com/path?test=param%27WithQuote", "https://example.com/path?test=param'WithQuote", true],
    ["signed with an escaped quote, target escaped", "https://example.com/path?test=param%27WithQuote", "https://example.com/path?test=param%27WithQuote", true],
  ] as const;
  it.each(cases)("%s", (_name, serverUrl, targetUrl, expected) => {
    expect(validates(targetUrl, twilioSignature(authToken, serverUrl, []), [], authToken)).toBe(expected);
  });
});
