import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBody, DEFAULT_DECODE_LIMITS, inboundRequest, type Decoded, type DecodeLimits } from "../src/index.js";

const FORM = "application/x-www-form-urlencoded";

function decode(contentType: string, body: string | Uint8Array, limits: Partial<DecodeLimits> = {}, jsonFormFields: string[] = []): Decoded {
  return decodeBody(inboundRequest({ headers: { "content-type": contentType }, body }), {
    limits: { ...DEFAULT_DECODE_LIMITS, ...limits },
    jsonFormFields,
  });
}

/** A body and its content-type header as fetch serializes a FormData (undici, as browsers do). */
async function serialize(form: FormData): Promise<{ contentType: string; body: Uint8Array }> {
  const response = new Response(form);
  return { contentType: response.headers.get("content-type")!, body: new Uint8Array(await response.arrayBuffer()) };
}

async function decodeForm(form: FormData, limits: Partial<DecodeLimits> = {}, jsonFormFields: string[] = []): Promise<Decoded> {
  const { contentType, body } = await serialize(form);
  return decode(contentType, body, limits, jsonFormFields);
}

function formOf(fields: readonly (readonly [string, string | Blob, string?])[]): FormData {
  const form = new FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename);
  }
  return form;
}

const plain = (decoded: Decoded): unknown => (decoded.ok ? JSON.parse(JSON.stringify(decoded.value)) : decoded.error.code);

const CRLF = "\r\n";
const multipartText = (boundary: string, parts: readonly string[]): string =>
  parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join("") + `--${boundary}--${CRLF}`;

describe("multipart bodies decode like urlencoded ones", () => {
  // The HTML serializer escapes `"`, CR and LF in names and turns every line break in a value
  // into CRLF; a urlencoded body carries both as they are. Other control characters cannot
  // appear in a part header (RFC 9110 field values), so busboy refuses them in names.
  const name = fc.oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter((s) => !/["\x00-\x08\x0a-\x1f\x7f]/.test(s)),
    fc.constantFrom("tag", "tag[]", "a[b]", "a[b][c]", "list[0]", "list[1]", "__proto__", "constructor[prototype][x]", "a[__proto__][x]"),
  );
  const value = fc.string({ unit: "binary", maxLength: 40 });
  const crlf = (text: string): string => text.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");

  it("gives the value URLSearchParams of the same fields gives", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 12 }), async (fields) => {
        const multipart = await decodeForm(formOf(fields));
        const urlencoded = decode(FORM, new URLSearchParams(fields.map(([n, v]): [string, string] => [n, crlf(v)])).toString());
        expect(plain(multipart)).toEqual(plain(urlencoded));
      }),
    );
  });

  it("nests brackets, repeats names into lists and keeps the urlencoded decoder's null prototypes", async () => {
    const decoded = await decodeForm(
      formOf([
        ["event", "bounced"],
        ["tag", "a"],
        ["tag", "b"],
        ["data[0][id]", "t1"],
        ["data[0][to][email]", "a@b.c"],
        ["data[1][id]", "t2"],
      ]),
    );
    expect(plain(decoded)).toEqual({ event: "bounced", tag: ["a", "b"], data: [{ id: "t1", to: { email: "a@b.c" } }, { id: "t2" }] });
    if (decoded.ok) expect(Object.getPrototypeOf(decoded.value)).toBeNull();
  });

  it("decodes declared JSON fields, and refuses one that is not JSON", async () => {
    const variables = JSON.stringify({ "my-id": 7, tier: "gold" });
    expect(plain(await decodeForm(formOf([["X-Mailgun-Variables", variables]]), {}, ["X-Mailgun-Variables"]))).toEqual({
      "X-Mailgun-Variables": { "my-id": 7, tier: "gold" },
    });
    expect(await decodeForm(formOf([["v", "{nope"]]), {}, ["v"])).toMatchObject({ ok: false, error: { code: "malformed_body", location: "v" } });
  });

  it("reads a part in its declared charset", () => {
    const body = Buffer.concat([
      Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="city"${CRLF}Content-Type: text/plain; charset=iso-8859-1${CRLF}${CRLF}`),
      Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]),
      Buffer.from(`${CRLF}--b--${CRLF}`),
    ]);
    expect(plain(decode("multipart/form-data; boundary=b", new Uint8Array(body)))).toEqual({ city: "München" });
  });

  it("reads a UTF-16 part, and refuses one holding half of a surrogate pair", () => {
    const utf16 = (units: number[]) =>
      new Uint8Array(
        Buffer.concat([
          Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="t"${CRLF}Content-Type: text/plain; charset=utf-16le${CRLF}${CRLF}`),
          Buffer.concat(units.map((unit) => Buffer.from([unit & 0xff, unit >> 8]))),
          Buffer.from(`${CRLF}--b--${CRLF}`),
        ]),
      );
    expect(plain(decode("multipart/form-data; boundary=b", utf16([0x68, 0x69, 0xd83d, 0xde00])))).toEqual({ t: "hi😀" });
    expect(decode("multipart/form-data; boundary=b", utf16([0x68, 0xd83d]))).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });

  it("skips parts that carry no field name, as the urlencoded decoder skips empty keys", () => {
    const body = multipartText("b", [
      `Content-Disposition: form-data${CRLF}${CRLF}nameless`,
      `Content-Type: text/plain${CRLF}${CRLF}no disposition`,
      `Content-Disposition: form-data; name="kept"${CRLF}${CRLF}yes`,
    ]);
    expect(plain(decode("multipart/form-data; boundary=b", body))).toEqual({ kept: "yes" });
  });
});

describe("multipart file parts", () => {
  it("keeps a small UTF-8 file's content as text, with its name, type and size", async () => {
    const report = "Reporting-MTA: dns; mx.example.com\r\nFinal-Recipient: rfc822; ä@example.com\r\n";
    const decoded = await decodeForm(formOf([["attachment-1", new Blob([report], { type: "message/delivery-status" }), "report.txt"]]));
    expect(plain(decoded)).toEqual({
      "attachment-1": { filename: "report.txt", contentType: "message/delivery-status", size: String(Buffer.byteLength(report)), text: report },
    });
  });

  it("describes a file without its content when it is larger than the text limit or not UTF-8", async () => {
    const limit = 1024;
    const atLimit = "x".repeat(limit);
    const decoded = await decodeForm(
      formOf([
        ["at", new Blob([atLimit]), "at.txt"],
        ["over", new Blob([`${atLimit}y`]), "over.txt"],
        ["binary", new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x01])], { type: "image/png" }), "pixel.png"],
      ]),
      { maxMultipartFileTextBytes: limit },
    );
    expect(plain(decoded)).toEqual({
      at: { filename: "at.txt", contentType: "application/octet-stream", size: "1024", text: atLimit },
      over: { filename: "over.txt", contentType: "application/octet-stream", size: "1025" },
      binary: { filename: "pixel.png", contentType: "image/png", size: "4" },
    });
  });

  it("keeps a filename as it was sent, path and non-ASCII letters included", () => {
    const body = multipartText("b", [`Content-Disposition: form-data; name="f"; filename="C:\\bounces\\rückläufer.eml"${CRLF}${CRLF}x`]);
    expect(plain(decode("multipart/form-data; boundary=b", body))).toEqual({
      // RFC 7578 4.4: a part without Content-Type is text/plain.
      f: { filename: "C:\\bounces\\rückläufer.eml", contentType: "text/plain", size: "1", text: "x" },
    });
  });

  it("returns its value synchronously even when a file is far larger than a stream's buffer", async () => {
    const { contentType, body } = await serialize(formOf([["event", "bounced"], ["attachment-1", new Blob([new Uint8Array(2 * 1024 * 1024).fill(0x61)]), "big.eml"]]));
    const decoded: unknown = decode(contentType, body);
    expect(decoded).not.toBeInstanceOf(Promise);
    expect(plain(decoded as Decoded)).toEqual({
      event: "bounced",
      "attachment-1": { filename: "big.eml", contentType: "application/octet-stream", size: String(2 * 1024 * 1024) },
    });
    // Back-pressure on the file stream would leave the closing-boundary check for later.
    expect(decode(contentType, body.subarray(0, body.length - 100))).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });
});

describe("malformed multipart bodies", () => {
  it.each([
    ["no boundary", "multipart/form-data", multipartText("b", [`Content-Disposition: form-data; name="a"${CRLF}${CRLF}1`])],
    ["another boundary", "multipart/form-data; boundary=other", multipartText("b", [`Content-Disposition: form-data; name="a"${CRLF}${CRLF}1`])],
    ["no closing boundary", "multipart/form-data; boundary=b", `--b${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}1${CRLF}`],
    ["a file cut short", "multipart/form-data; boundary=b", `--b${CRLF}Content-Disposition: form-data; name="f"; filename="x"${CRLF}${CRLF}abc`],
    ["a broken part header", "multipart/form-data; boundary=b", `--b${CRLF}Content Disposition form-data${CRLF}${CRLF}1${CRLF}--b--${CRLF}`],
    ["an empty body", "multipart/form-data; boundary=b", ""],
    ["plain text", "multipart/form-data; boundary=b", "event=delivered"],
    ["a charset nobody can read", "multipart/form-data; boundary=b", multipartText("b", [`Content-Disposition: form-data; name="a"${CRLF}Content-Type: text/plain; charset=x-unknown${CRLF}${CRLF}1`])],
  ])("%s is malformed_body", (_, contentType, body) => {
    expect(decode(contentType, body)).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });

  it("refuses every body cut before its closing boundary", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 30 })), { minLength: 1, maxLength: 5 }), fc.nat(), async (fields, cut) => {
        const { contentType, body } = await serialize(formOf(fields));
        const closing = body.length - `--${CRLF}`.length;
        expect(decode(contentType, body.subarray(0, cut % closing))).toMatchObject({ ok: false, error: { code: "malformed_body" } });
      }),
    );
  });

  const fragment = fc.oneof(
    fc.constantFrom("--b", "--b--", CRLF, `${CRLF}${CRLF}`, 'Content-Disposition: form-data; name="a"', '; filename="f"', "Content-Type: text/plain; charset=utf-16le", "a[b][c]"),
    fc.string({ maxLength: 20 }),
  );

  it("never throws and answers a structured error or a record, whatever the bytes", () => {
    const outcomes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.array(fragment, { maxLength: 24 }).map((parts) => new TextEncoder().encode(parts.join(""))),
    );
    fc.assert(
      fc.property(outcomes, fc.constantFrom("multipart/form-data; boundary=b", "multipart/form-data", 'multipart/form-data; boundary="b"; charset=x'), (body, contentType) => {
        const decoded = decode(contentType, body, { maxMultipartFieldBytes: 64, maxFormParameters: 8 });
        if (decoded.ok) expect(Object.getPrototypeOf(decoded.value)).toBeNull();
        else expect(decoded.error.code).toBe("malformed_body");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("multipart limits", () => {
  const fields = (count: number) => formOf(Array.from({ length: count }, (_, i) => [`k${i}`, "1"] as const));

  it("bounds the number of parts", async () => {
    expect((await decodeForm(fields(20), { maxFormParameters: 20 })).ok).toBe(true);
    expect(await decodeForm(fields(21), { maxFormParameters: 20 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
    expect(await decodeForm(fields(500), { maxFormParameters: 20 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });

  it("counts each field of a file's description as a parameter", async () => {
    const form = fields(2);
    form.append("f", new Blob(["x"]), "f.txt");
    expect((await decodeForm(form, { maxFormParameters: 6 })).ok).toBe(true);
    expect(await decodeForm(form, { maxFormParameters: 5 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });

  it("refuses a text field longer than the field limit rather than cutting it", async () => {
    expect(plain(await decodeForm(formOf([["a", "x".repeat(100)]]), { maxMultipartFieldBytes: 100 }))).toEqual({ a: "x".repeat(100) });
    expect(await decodeForm(formOf([["a", "x".repeat(101)]]), { maxMultipartFieldBytes: 100 })).toMatchObject({
      ok: false,
      error: { code: "malformed_body", message: expect.stringContaining("longer than 100 bytes") },
    });
  });

  it("bounds the body size before parsing, and bracket depth as forms do", async () => {
    expect(await decodeForm(formOf([["a", "x".repeat(200)]]), { maxBytes: 100 })).toMatchObject({ ok: false, error: { code: "body_too_large" } });
    expect(await decodeForm(formOf([["a[b][c][d]", "1"]]), { maxDepth: 2 })).toMatchObject({ ok: false, error: { code: "malformed_body" } });
  });
});

describe("multipart prototype safety", () => {
  it.each([
    ["__proto__[polluted]", "yes"],
    ["constructor[prototype][polluted]", "yes"],
    ["a[__proto__][polluted]", "yes"],
    ["__proto__", "yes"],
  ])("never pollutes a prototype: %s", async (name, value) => {
    const form = formOf([[name, value], ["a[b]", "1"]]);
    form.append("__proto__", new Blob(["{}"]), "polluted");
    const decoded = await decodeForm(form);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(Object.getPrototypeOf(decoded.value)).toBeNull();
      expect((decoded.value as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
