import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeJsonText, parsesExactly, quoteUnsafeIntegers } from "../src/decode/json.js";
import { DEFAULT_DECODE_LIMITS } from "../src/decode/limits.js";

describe("integers beyond 2^53 in a decoded body", () => {
  // A parsed number at or past 2^53 sends the text through the quoting pass: a miss would round an id.
  const decoded = (text: string) => {
    const outcome = decodeJsonText(text, DEFAULT_DECODE_LIMITS);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value;
  };
  it("keeps every digit wherever the integer sits, and leaves everything else as JSON.parse reads it", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.nat(3), (json, big, where) => {
        const literal = String(big);
        const text = [`[${json},${literal}]`, `{"a":{"b":[${literal}]},"c":${json}}`, `${literal}`, `{"s":"${literal}","n":${json}}`][where]!;
        expect(decoded(text)).toEqual(JSON.parse(quoteUnsafeIntegers(text)));
        if (where < 3) expect(JSON.stringify(decoded(text))).toContain(Number.isSafeInteger(Number(literal)) ? literal : `"${literal}"`);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives exactly what parsing the quoted text gives, whatever mix of large numbers and keys", () => {
    const big = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.constantFrom("1e20", "-1E16", "9007199254740992", "9007199254740991", "1e400", "12345678901234567890.5", "0.5"),
    );
    const key = fc.constantFrom("id", "MessageID", "__proto__", "1", "0", "a1", "");
    const leaf: fc.Arbitrary<string> = fc.oneof(big, fc.json({ maxDepth: 1 }));
    const node: fc.Arbitrary<string> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
      object: fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(",")}}`),
    })).value as fc.Arbitrary<string>;
    fc.assert(
      fc.property(node, (text) => {
        expect(decoded(text)).toEqual(JSON.parse(quoteUnsafeIntegers(text)));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps every digit of thousands of large integers, more than one pairing takes", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `${9007199254740993n + 2n * BigInt(i)}`);
    const text = `[${ids.map((id) => `{"MessageID":${id}}`).join(",")}]`;
    expect(decoded(text)).toEqual(ids.map((id) => ({ MessageID: id })));
  });

  it("keeps each integer with its own member when two of them round to one number", () => {
    // Integer keys come first in an object, and a duplicate key keeps its first place: neither
    // order is the text's, and the two integers cannot be told apart once rounded.
    expect(decoded('{"1":12345678901234567891,"0":12345678901234567890}')).toEqual({ "0": "12345678901234567890", "1": "12345678901234567891" });
    expect(decoded('{"a":1,"b":12345678901234567891,"a":12345678901234567890}')).toEqual({ a: "12345678901234567890", b: "12345678901234567891" });
    expect(decoded('{"a":[12345678901234567891,{"__proto__":12345678901234567893}]}')).toEqual(
      JSON.parse('{"a":["12345678901234567891",{"__proto__":"12345678901234567893"}]}'),
    );
  });

  it("says whether a parse is kept as it is: nothing too deep, no number at 2^53 or past it", () => {
    expect(parsesExactly(JSON.parse('{"a":[9007199254740991,"12345678901234567890"]}'), 3)).toBe(true);
    expect(parsesExactly(JSON.parse('{"a":[9007199254740992]}'), 3)).toBe(false);
    expect(parsesExactly(JSON.parse('{"a":[-1e400]}'), 3)).toBe(false);
    expect(parsesExactly(JSON.parse('{"a":[[1]]}'), 2)).toBe(false);
    expect(parsesExactly(JSON.parse('{"a":[[1]]}'), 3)).toBe(true);
  });

  it("quotes the integer 2^53 and beyond, not a long digit run in a string", () => {
    expect(decoded('{"id":9007199254740992,"safe":9007199254740991,"text":"12345678901234567890"}')).toEqual({
      id: "9007199254740992",
      safe: 9007199254740991,
      text: "12345678901234567890",
    });
    expect(decoded("[-9007199254740993, 1e400]")).toEqual(["-9007199254740993", Infinity]);
  });
});

describe("quoting integers beyond 2^53", () => {
  // The scan skips strings by searching for their closing quote; the reference walks every character.
  const reference = (text: string): string => {
    let out = "";
    let copied = 0;
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
        i++;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        const start = i;
        while (++i < text.length && /[0-9.eE+-]/.test(text[i]!));
        const token = text.slice(start, i);
        if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
          out += `${text.slice(copied, start)}"${token}"`;
          copied = i;
        }
      } else {
        i++;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
  it("quotes the same tokens as a character-by-character walk, valid JSON or not", () => {
    const piece = fc.oneof(
      fc.constantFrom('"', "\\", '\\"', "\\\\", ",", ":", "[", "{", "}", "]", " ", "-", "e", "."),
      fc.stringMatching(/^-?[0-9]{1,22}$/),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }).map((parts) => parts.join("")), (text) => {
        expect(quoteUnsafeIntegers(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.json(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }), (json, big) => {
        const text = `[${json},${big},"${big}",{"k\\"${big}":${big}}]`;
        expect(quoteUnsafeIntegers(text)).toBe(reference(text));
      }),
      { numRuns: 1000 },
    );
  });
});
