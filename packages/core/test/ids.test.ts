import fc from "fast-check";
import stableStringify from "fast-json-stable-stringify";
import { describe, expect, it } from "vitest";
import { stableJson } from "../src/ids.js";

describe("the content hash's serialization", () => {
  // Ids of stored events are sha256 of this text: it must stay fast-json-stable-stringify's.
  it("is fast-json-stable-stringify's text for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stableJson(value)).toBe(stableStringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("is fast-json-stable-stringify's text for strings needing escapes and odd keys", () => {
    const awkward = fc.string({ unit: fc.oneof(fc.constantFrom('"', "\\", "\n", "\u0000", "\u001f", "\u2028", "\ud800", "\udc00", "\u{1F600}", "\u007f"), fc.string({ minLength: 1, maxLength: 1 })) });
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(awkward, fc.constantFrom("__proto__", "10", "9", "constructor")), fc.oneof(awkward, fc.double(), fc.constant(undefined))), (value) => {
        expect(stableJson(value)).toBe(stableStringify(value));
        expect(stableJson([value, undefined])).toBe(stableStringify([value, undefined]));
      }),
      { numRuns: 2000 },
    );
  });

  it("is fast-json-stable-stringify's text for values JSON.parse never makes", () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), (value) => {
        expect(stableJson(value)).toBe(stableStringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("throws on a cycle as the library does, and handles deep nesting", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(() => stableJson(cycle)).toThrow(TypeError);
    let deep: unknown = "end";
    for (let i = 0; i < 2000; i++) deep = { d: deep };
    expect(stableJson(deep)).toBe(stableStringify(deep));
  });
});
