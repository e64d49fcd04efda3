import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkTimestamp, DEFAULT_MAX_FUTURE_SECONDS } from "../../src/verify/index.js";

const NOW = new Date("2026-01-15T10:00:00.000Z");
const NOW_S = NOW.getTime() / 1000;
const window = { maxAgeSeconds: 600, location: "x-timestamp" } as const;
const failure = (message: string | RegExp) => ({ ok: false, error: { code: "unauthorized", message: expect.stringMatching(message), location: "x-timestamp" } });

describe("checkTimestamp", () => {
  it("passes a time inside the window, as text or as a number", () => {
    for (const value of [NOW_S, NOW_S - 600, NOW_S + DEFAULT_MAX_FUTURE_SECONDS, String(NOW_S), String(NOW_S - 1)]) {
      expect(checkTimestamp(value, NOW, window)).toBeUndefined();
    }
  });

  it("refuses a time older than maxAgeSeconds", () => {
    expect(checkTimestamp(NOW_S - 601, NOW, window)).toEqual(failure("older than 600 s"));
    expect(checkTimestamp(String(NOW_S - 86_400), NOW, window)).toEqual(failure("older than 600 s"));
  });

  it("refuses a time further ahead than maxFutureSeconds (300 s unless set)", () => {
    expect(checkTimestamp(NOW_S + 301, NOW, window)).toEqual(failure("more than 300 s in the future"));
    expect(checkTimestamp(NOW_S + 31, NOW, { ...window, maxFutureSeconds: 30 })).toEqual(failure("more than 30 s in the future"));
    expect(checkTimestamp(NOW_S + 30, NOW, { ...window, maxFutureSeconds: 30 })).toBeUndefined();
  });

  it("reads milliseconds when told to", () => {
    const ms = { ...window, unit: "milliseconds" } as const;
    expect(checkTimestamp(NOW.getTime() - 600_000, NOW, ms)).toBeUndefined();
    expect(checkTimestamp(String(NOW.getTime() - 600_001), NOW, ms)).toEqual(failure("older than"));
    expect(checkTimestamp(NOW_S, NOW, ms)).toEqual(failure("older than"));
  });

  it("refuses a missing timestamp", () => {
    expect(checkTimestamp(undefined, NOW, window)).toEqual(failure("missing"));
    expect(checkTimestamp("", NOW, window)).toEqual(failure("missing"));
  });

  it("refuses anything but a whole, non-negative number of the unit with bounded digits", () => {
    const texts = [" 1768471200", "1768471200 ", "1768471200.5", "+1768471200", "-1", "1e9", "0x69690000", "abc", "1".repeat(13), "١٧٦٨٤٧١٢٠٠"];
    for (const value of [...texts, 1768471200.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(checkTimestamp(value, NOW, window)).toEqual(failure("not a whole number of seconds"));
    }
    expect(checkTimestamp("1".repeat(16), NOW, { ...window, unit: "milliseconds" })).toEqual(failure("not a whole number of milliseconds"));
  });

  it("fails closed when the clock itself is invalid", () => {
    expect(checkTimestamp(NOW_S, new Date(Number.NaN), window)).toEqual(failure("clock"));
  });

  it("never throws, and passes exactly the times inside the window", () => {
    const near = fc.integer({ min: NOW_S - 200_000, max: NOW_S + 2000 });
    const values = fc.oneof(fc.string(), fc.double(), fc.integer({ min: -1, max: 2 * NOW_S }), near, near.map(String));
    fc.assert(
      fc.property(values, fc.nat(100_000), fc.nat(1000), (value, maxAge, maxFuture) => {
        const result = checkTimestamp(value, NOW, { maxAgeSeconds: maxAge, maxFutureSeconds: maxFuture, location: "x-timestamp" });
        const seconds = typeof value === "number" ? value : /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
        const inside = Number.isSafeInteger(seconds) && seconds >= 0 && NOW_S - seconds <= maxAge && seconds - NOW_S <= maxFuture;
        expect(result === undefined).toBe(inside);
      }),
    );
  });
});
