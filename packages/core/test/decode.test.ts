import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8 } from "../src/decode/json.js";
import { decodeBody, DEFAULT_DECODE_LIMITS, inboundRequest, type DecodeLimits } from "../src/index.js";

const decode = (contentType: string, body: string | Uint8Array, limits: Partial<DecodeLimits> = {}, jsonFormFields: string[] = []) =>
  decodeBody(inboundRequest({ headers: { "content-type": contentType }, body }), {
    limits: { ...DEFAULT_DECODE_LIMITS, ...limits },
    jsonFormFields,
  });

const FORM = "application/x-www-form-urlencoded";

describe("JSON bodies", () => {
  it("decodes application/json and text/plain, ignoring media-type parameters", () => {
    expect(decode("application/json; charset=utf-8", '{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] }, text: '{"a":[1,2]}' });
    expect(decode("text/plain", '["x"]')).toEqual({ ok: true, value: ["x"], text: '["x"]' });
  });

  it.each([
    ["truncated", '{"a":'],
    ["empty", ""],
    ["whitespace", "  \n"],
    ["trailing garbage", '{"a":1}x'],
  ])("rejects %s JSON as malformed_body", (_, body) => {
    const decoded = decode("application/json", body);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe("malformed_body");
  });

  it("rejects invalid UTF-8", () => {
    const decoded = decode("application/json", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(decoded).toMatchObject({ ok: false, error: { code: "malformed_body", message: "body is not valid UTF-8" } });
  });

  it("drops a leading byte-order mark, and only that one", () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(decode("application/json", new Uint8Array([...bom, ...Buffer.from('{"a":1}')]))).toEqual({ ok: true, value: { a: 1 }, text: '{"a":1}' });
    expect(decodeUtf8(new Uint8Array([...bom, ...bom, 0x31]))).toEqual({ ok: true, text: "\ufeff1" });
  });

  it("accepts exactly the valid UTF-8 byte strings, decoded as Buffer decodes them", () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 8 }).map((text) => new Uint8Array(Buffer.from(text))));
    fc.assert(
      fc.property(bytes, (input) => {
        const decoded = decodeUtf8(input);
        const buffer = Buffer.from(input);
        expect(decoded.ok).toBe(isUtf8(buffer));
        const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
        if (decoded.ok) expect(decoded.text).toBe(buffer.toString("utf8", bom));
      }),
      { numRuns: 2000 },
    );
  });

  it("bounds nesting depth", () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    expect(decode("application/json", deep)).toMatchObject({ ok: false, error: { code: "malformed_body" } });
    const ok = "[".repeat(10) + "]".repeat(10);
    expect(decode("application/json", ok, { maxDepth: 10 }).ok).toBe(true);
    expect(decode("application/json", ok, { maxDepth: 9 }).ok).toBe(false);
  });

  it("bounds size before reading", () => {
    expect(decode("application/json", '{"a":"' + "x".repeat(100) + '"}', { maxBytes: 50 })).toMatchObject({
      ok: false,
      error: { code: "body_too_large" },
    });
  });

  it("keeps __proto__ as an own key without touching Object.prototype", () => {
    const decoded = decode("application/json", '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect(decoded.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (decoded.ok) expect(Object.hasOwn(decoded.value as object, "__proto__")).toBe(true);
  });

  it("reports an unsupported media type", () => {
    expect(decode("application/xml", "<a/>")).toMatchObject({ ok: false, error: { code: "unsupported_content_type" } });
    expect(decode("", "{}")).toMatchObject({ ok: false, error: { code: "unsupported_content_type" } });
  });
});

describe("form bodies", () => {
  it("nests PHP-style brackets into objects and lists", () => {
    const decoded = decode(FORM, "id=p1&data[0][transaction][id]=t1&data[0][transaction][recipient][email]=a%40b.c&data[1][transaction][id]=t2");
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(JSON.parse(JSON.stringify(decoded.value))).toEqual({
      id: "p1",
      data: [{ transaction: { id: "t1", recipient: { email: "a@b.c" } } }, { transaction: { id: "t2" } }],
    });
  });

  it("decodes declared fields holding JSON text", () => {
    const event = JSON.stringify({ trans_id: "t1", event_type: "sent" });
    const decoded = decode(FORM, `event=${encodeURIComponent(event)}&other=%7B%22x%22%3A1%7D`, {}, ["event"]);
    expect(decoded.ok && JSON.parse(JSON.stringify(decoded.value))).toEqual({ event: { trans_id: "t1", event_type: "sent" }, other: '{"x":1}' });
  });

  it("rejects a declared JSON field that is not JSON", () => {
    expect(decode(FORM, "event=%7Bnope", {}, ["event"])).toMatchObject({ ok: false, error: { code: "malformed_body", location: "event" } });
  });

  it.each([
    "__proto__[polluted]=yes",
    "constructor[prototype][polluted]=yes",
    "a[__proto__][polluted]=yes",
    "a[constructor][prototype][polluted]=yes",
    "__proto__=yes&a[b]=1",
  ])("never pollutes a prototype: %s", (body) => {
    const decoded = decode(FORM, body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    if (decoded.ok) {
      expect(Object.getPrototypeOf(decoded.value)).toBeNull();
      expect((decoded.value as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it("bounds depth and parameter count", () => {
    expect(decode(FORM, "a[b][c][d]=1", { maxDepth: 2 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
    const many = Array.from({ length: 30 }, (_, i) => `k${i}=1`).join("&");
    expect(decode(FORM, many, { maxFormParameters: 20 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
    expect(decode(FORM, many, { maxFormParameters: 30 }).ok).toBe(true);
  });
});
