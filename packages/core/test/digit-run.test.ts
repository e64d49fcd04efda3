import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasLongDigitRun } from "../src/decode/json.js";

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
