import { inboundRequest, normalize } from "@tidings/core";
import type { SuiteRequest } from "@tidings/testkit";
import { describe, expect, it } from "vitest";
import { HEADERS, plivo } from "../src/index.js";
import { CALLBACK_URL, CREDENTIALS, DELIVERED, FORM, formBody, NEW_TOKEN, NOW, OLD_TOKEN, sign, v2Request, v3Request, v3Text, withField, type Fields } from "./sign.js";

/** `null` runs without credentials. */
const run = (request: SuiteRequest, credentials: unknown = CREDENTIALS) =>
  normalize(plivo, inboundRequest({ headers: { ...request.headers, "content-type": request.contentType }, body: request.body }), {
    credentials: credentials === null ? undefined : plivo.credentials.parse(credentials),
    now: NOW,
  });

const VERIFIED = { ok: true, verified: true };
const unauthorizedAt = (location: string) => ({ ok: false, error: { code: "unauthorized", location } });

const signedWith = (fields: Fields, headers: Record<string, string>): SuiteRequest => ({ contentType: FORM, body: formBody(fields), headers });

describe("plivo V2, as the SDKs check it", () => {
  // plivo-node test/utils.js and plivo-python tests/resources/test_signature.py.
  const SDK_VECTOR = { url: "https://answer.url", nonce: "12345", token: "my_auth_token", signature: "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc=" };
  const vectorRequest = signedWith(DELIVERED, { [HEADERS.v2]: SDK_VECTOR.signature, [HEADERS.v2Nonce]: SDK_VECTOR.nonce });

  it("verifies the SDKs' own vector, a host-only URL signed without a trailing slash", () => {
    expect(run(vectorRequest, { signingKey: SDK_VECTOR.token, url: SDK_VECTOR.url })).toMatchObject(VERIFIED);
    expect(run(vectorRequest, { signingKey: SDK_VECTOR.token, url: `${SDK_VECTOR.url}/` })).toMatchObject(unauthorizedAt(HEADERS.v2));
    expect(run(vectorRequest, { signingKey: "my_auth_tokens", url: SDK_VECTOR.url })).toMatchObject(unauthorizedAt(HEADERS.v2));
  });

  it("signs the URL without its query or fragment", () => {
    const request = signedWith(DELIVERED, { [HEADERS.v2]: sign(NEW_TOKEN, "https://hooks.example.com/plivo/status05429567804466091622"), [HEADERS.v2Nonce]: "05429567804466091622" });
    expect(run(request, { signingKey: NEW_TOKEN, url: "https://hooks.example.com/plivo/status?tenant=a#top" })).toMatchObject(VERIFIED);
  });

  it("does not cover the body: a V2 request keeps verifying whatever fields it carries", () => {
    const request = v2Request(DELIVERED);
    const forged = { ...request, body: formBody(withField(DELIVERED, "Status", "failed")) };
    expect(run(forged)).toMatchObject({ ...VERIFIED, results: [{ event: { status: "failed" } }] });
  });

  it("accepts the main account's signature from X-Plivo-Signature-Ma-V2", () => {
    const nonce = "05429567804466091622";
    const request = signedWith(DELIVERED, { [HEADERS.v2]: sign("subaccount-token", CALLBACK_URL + nonce), [HEADERS.mainAccountV2]: sign(NEW_TOKEN, CALLBACK_URL + nonce), [HEADERS.v2Nonce]: nonce });
    expect(run(request)).toMatchObject(VERIFIED);
    expect(run({ ...request, headers: { ...request.headers, [HEADERS.mainAccountV2]: sign("other-main", CALLBACK_URL + nonce) } })).toMatchObject(unauthorizedAt(HEADERS.v2));
  });

  it("needs the nonce header", () => {
    const { [HEADERS.v2Nonce]: _nonce, ...headers } = v2Request(DELIVERED).headers!;
    expect(run(signedWith(DELIVERED, headers))).toMatchObject(unauthorizedAt(HEADERS.v2Nonce));
  });
});

describe("plivo V3, as plivo-node builds the signed text", () => {
  // Each text below was checked against plivo-node 4.78.0's validateV3Signature("POST", url, "N", token, signature, fields).
  const CASES: readonly { url: string; fields: Fields; text: string }[] = [
    { url: "https://answer.url", fields: [], text: "https://answer.url.N" },
    { url: "https://answer.url", fields: [["a", "1"]], text: "https://answer.url?a1.N" },
    { url: "https://answer.url/", fields: [["a", "1"]], text: "https://answer.url/?a1.N" },
    { url: "https://answer.url/?b=2&a=1", fields: [], text: "https://answer.url/?a=1&b=2.N" },
    { url: "https://answer.url/?b=2&a=1", fields: [["a", "1"]], text: "https://answer.url/?a=1&b=2.a1.N" },
    {
      url: "https://u:p@Answer.URL:443/x/y.php?q=a+b%20c#frag",
      fields: [["z", "2"], ["a", "x y"], ["z", "1"]],
      text: "https://Answer.URL:443/x/y.php?q=a b c.ax yz1z2.N",
    },
  ];

  for (const { url, fields, text } of CASES) {
    it(`signs ${JSON.stringify(text)} for ${url} with ${fields.length} field(s)`, () => {
      const request = signedWith(fields, { [HEADERS.v3]: sign(NEW_TOKEN, text), [HEADERS.v3Nonce]: "N" });
      expect(run(request, { signingKey: NEW_TOKEN, url })).toMatchObject({ ok: true, verified: true });
    });
  }

  it("does not normalize the URL as WHATWG parsers do", () => {
    const normalized = signedWith([["a", "1"]], { [HEADERS.v3]: sign(NEW_TOKEN, "https://answer.url/?a1.N"), [HEADERS.v3Nonce]: "N" });
    expect(run(normalized, { signingKey: NEW_TOKEN, url: "https://answer.url" })).toMatchObject(unauthorizedAt(HEADERS.v3));
    const lowerHost = signedWith([], { [HEADERS.v3]: sign(NEW_TOKEN, "https://answer.url/x.N"), [HEADERS.v3Nonce]: "N" });
    expect(run(lowerHost, { signingKey: NEW_TOKEN, url: "https://Answer.URL/x" })).toMatchObject(unauthorizedAt(HEADERS.v3));
  });

  it("sorts the fields by name, then value, and signs their decoded text", () => {
    const fields: Fields = [["Text", "a+b & c/d é"], ["Status", "delivered"], ["MessageUUID", "db3ce55a-7f1d-11e1-8ea7-1231380bc196"], ["Status", "DELIVERED"]];
    const request = v3Request(fields);
    expect(run(request)).toMatchObject(VERIFIED);
    const inPostedOrder = `${CALLBACK_URL}?${fields.map(([name, value]) => name + value).join("")}.31415926535897932384`;
    expect(run({ ...request, headers: { ...request.headers, [HEADERS.v3]: sign(NEW_TOKEN, inPostedOrder) } })).toMatchObject(unauthorizedAt(HEADERS.v3));
  });

  it("covers every field: a changed, added or removed one fails", () => {
    const request = v3Request(DELIVERED);
    for (const fields of [withField(DELIVERED, "Status", "failed"), [...DELIVERED, ["Extra", ""]] as Fields, DELIVERED.slice(1)]) {
      expect(run({ ...request, body: formBody(fields) })).toMatchObject(unauthorizedAt(HEADERS.v3));
    }
  });

  it("takes any one of several comma-separated signatures, made with any configured token", () => {
    const text = v3Text(DELIVERED, "1");
    const list = `${sign("a-retired-token", text)}, ${sign(OLD_TOKEN, text)}`;
    expect(run(signedWith(DELIVERED, { [HEADERS.v3]: list, [HEADERS.v3Nonce]: "1" }))).toMatchObject(VERIFIED);
    expect(run(signedWith(DELIVERED, { [HEADERS.v3]: `${sign("a-retired-token", text)},not base64!`, [HEADERS.v3Nonce]: "1" }))).toMatchObject(unauthorizedAt(HEADERS.v3));
  });

  it("accepts the main account's signature from X-Plivo-Signature-Ma-V3", () => {
    const text = v3Text(DELIVERED, "7");
    const request = signedWith(DELIVERED, { [HEADERS.v3]: sign("subaccount-token", text), [HEADERS.mainAccountV3]: sign(NEW_TOKEN, text), [HEADERS.v3Nonce]: "7" });
    expect(run(request)).toMatchObject(VERIFIED);
  });

  it("never falls back to V2 when V3 is present and fails, or lacks its nonce", () => {
    const v2 = v2Request(DELIVERED).headers!;
    const badV3 = { ...v2, [HEADERS.v3]: sign(NEW_TOKEN, "something else"), [HEADERS.v3Nonce]: "1" };
    expect(run(signedWith(DELIVERED, v2))).toMatchObject(VERIFIED);
    expect(run(signedWith(DELIVERED, badV3))).toMatchObject(unauthorizedAt(HEADERS.v3));
    const { [HEADERS.v3Nonce]: _nonce, ...withoutNonce } = { ...v2, ...v3Request(DELIVERED).headers };
    expect(run(signedWith(DELIVERED, withoutNonce))).toMatchObject(unauthorizedAt(HEADERS.v3Nonce));
  });

  it("checks the URL's user info both ways the SDKs do: left out (node) or kept (python)", () => {
    const url = "https://plivo:s3cret@hooks.example.com/plivo";
    const credentials = { signingKey: NEW_TOKEN, url };
    for (const signed of ["https://hooks.example.com/plivo", url]) {
      expect(run(v3Request(DELIVERED, { url: signed }), credentials)).toMatchObject(VERIFIED);
      expect(run(v2Request(DELIVERED, { url: signed }), credentials)).toMatchObject(VERIFIED);
    }
    expect(run(v3Request(DELIVERED, { url: "https://other:pair@hooks.example.com/plivo" }), credentials)).toMatchObject(unauthorizedAt(HEADERS.v3));
  });

  it("verifies against any configured URL, and refuses one signed for another", () => {
    const other = "https://old-host.example.com/plivo";
    expect(run(v3Request(DELIVERED, { url: other }))).toMatchObject(unauthorizedAt(HEADERS.v3));
    expect(run(v3Request(DELIVERED, { url: other }), { ...CREDENTIALS, url: [CALLBACK_URL, other] })).toMatchObject(VERIFIED);
  });
});

describe("plivo verification", () => {
  it("refuses a request with no signature header, or an empty one", () => {
    expect(run(signedWith(DELIVERED, {}))).toMatchObject(unauthorizedAt(HEADERS.v3));
    expect(run(signedWith(DELIVERED, { [HEADERS.v3]: "", [HEADERS.v3Nonce]: "1" }))).toMatchObject(unauthorizedAt(HEADERS.v3));
  });

  it("is not configured without credentials", () => {
    expect(run(signedWith(DELIVERED, {}), null)).toMatchObject({ ok: true, verified: false });
  });
});
