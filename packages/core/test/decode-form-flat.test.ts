import fc from "fast-check";
import qs from "qs";
import { describe, expect, it } from "vitest";
import { decodeFormText, qsOptions } from "../src/decode/form.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../src/decode/limits.js";

/** Every own key in order, each value, and each object's prototype: what toEqual alone would not see. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return { array: value.map(shape), length: value.length };
  return { proto: Object.getPrototypeOf(value) === null ? "null" : "other", entries: Object.keys(value).map((key) => [key, shape((value as Record<string, unknown>)[key])]) };
}

function viaQs(text: string, limits: DecodeLimits): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: shape(qs.parse(text, qsOptions(limits))) };
  } catch (thrown) {
    return { ok: false, message: `form body rejected: ${(thrown as Error).message}` };
  }
}

function viaCore(text: string, limits: DecodeLimits): { ok: true; value: unknown } | { ok: false; message: string } {
  const decoded = decodeFormText(text, limits, []);
  return decoded.ok ? { ok: true, value: shape(decoded.value) } : { ok: false, message: decoded.error.message };
}

// Pieces that reach every branch of the bracket-free reading and the edges where qs takes over:
// separators, escapes valid and broken, encoded brackets in both cases, dropped and repeated names.
const piece = fc.constantFrom(
  "&", "=", "+", "%", "%2", "%20", "%3D", "%26", "%2B", "%E2%9C%93", "%C3", "%ZZ", "%5B", "%5b", "%5D", "%5d", "[", "]", "[]",
  "a", "b", "0", "12", "__proto__", "constructor", "toString", "utf8", "é", "\u{1F600}", ".", "x.y",
);
const body = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 24 }).map((parts) => parts.join(""));
const limits = fc.record({ maxFormParameters: fc.integer({ min: 1, max: 12 }), maxFormArrayIndex: fc.integer({ min: 0, max: 3 }) }).map((l) => ({ ...DEFAULT_DECODE_LIMITS, ...l }));

describe("form bodies without brackets", () => {
  it("decode to exactly what qs returns, errors included", () => {
    fc.assert(
      fc.property(body, limits, (text, l) => {
        expect(viaCore(text, l)).toEqual(viaQs(text, l));
      }),
      { numRuns: 20_000 },
    );
  });

  it("decode to exactly what qs returns for provider-like bodies with the default limits", () => {
    const name = fc.oneof(fc.constantFrom("MessageSid", "To", "__proto__", "", "a", "a b"), fc.string({ maxLength: 6 }));
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }).map(encodeURIComponent));
    const flat = fc.array(fc.tuple(name, value, fc.boolean()), { maxLength: 12 }).map((pairs) => pairs.map(([k, v, bare]) => (bare ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${v}`)).join("&"));
    fc.assert(
      fc.property(flat, (text) => {
        expect(viaCore(text, DEFAULT_DECODE_LIMITS)).toEqual(viaQs(text, DEFAULT_DECODE_LIMITS));
      }),
      { numRuns: 5_000 },
    );
  });
});
