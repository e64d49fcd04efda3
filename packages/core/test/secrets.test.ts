import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, matchesSecret } from "../src/index.js";

/** Lengths on both sides of the 256-byte width where a form switches from the bytes to a digest. */
const LONG = "k".repeat(255);

describe("matchesSecret", () => {
  const keys = ["first-key-0123456789", `${LONG}é`, "x".repeat(1000)];

  it("finds each secret of the list, including those longer than the form's width", () => {
    for (const key of keys) expect(matchesSecret(key, keys)).toBe(true);
  });

  it.each([
    ["a prefix", "first-key-012345678"],
    ["an extension", "first-key-01234567890"],
    ["the last character changed", "first-key-0123456788"],
    ["a trailing NUL", "first-key-0123456789\u0000"],
    ["the empty string", ""],
    ["a long secret's prefix", LONG],
    ["a long secret with another last character", `${LONG}e`],
    ["a longer variant of a long secret", `${"x".repeat(1000)}x`],
    ["a long secret of the same length with its last character changed", `${"x".repeat(999)}y`],
  ])("refuses %s", (_, presented) => {
    expect(matchesSecret(presented, keys)).toBe(false);
  });

  it("agrees with string equality for any pair of strings, short or long", () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", minLength: 80, maxLength: 300 }));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(matchesSecret(a, [b])).toBe(a === b);
        expect(matchesSecret(a, [b, a])).toBe(true);
        expect(constantTimeEqual(a, b)).toBe(a === b);
      }),
      { numRuns: 300 },
    );
  });

  it("tells apart long strings that share their first bytes and their length", () => {
    const tail = fc.string({ minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.string({ minLength: 256, maxLength: 400 }), tail, tail, (prefix, a, b) => {
        fc.pre(a.length === b.length);
        expect(matchesSecret(prefix + a, [prefix + b])).toBe(a === b);
      }),
      { numRuns: 200 },
    );
  });
});
