import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasLongDigitRun, quoteUnsafeIntegers } from "../src/decode/json.js";

describe("the long digit run scan", () => {
  // It decides whether integers beyond 2^53 are quoted before parsing: a missed run would round an id.
  const naive = (text: string) => /\d{16}/.test(text);
  it("finds a run of 16 digits exactly where a regular expression does", () => {
    const piece = fc.oneof(fc.stringMatching(/^[0-9]{0,40}$/), fc.constantFrom('"', ",", " ", "a", "x", "-", "."));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((parts) => parts.join("")), (text) => {
        expect(hasLongDigitRun(text)).toBe(naive(text));
      }),
      { numRuns: 3000 },
    );
    for (let offset = 0; offset < 40; offset++) {
      for (const length of [15, 16, 17]) {
        const text = `${"a".repeat(offset)}${"7".repeat(length)}${"b".repeat(offset % 5)}`;
        expect(hasLongDigitRun(text), `${offset}+${length}`).toBe(length >= 16);
      }
    }
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
