import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoString } from "../src/dates.js";
import { toIsoDate } from "../src/index.js";

describe("toIsoDate", () => {
  it.each([
    ["ISO with offset", "2025-01-15T10:32:11+02:00", "2025-01-15T08:32:11.000Z"],
    ["ISO Z with millis", "2025-01-15T08:32:11.123Z", "2025-01-15T08:32:11.123Z"],
    ["ISO with micros", "2025-01-15T08:32:11.123456Z", "2025-01-15T08:32:11.123Z"],
    ["compact offset", "2025-01-15T10:32:11+0200", "2025-01-15T08:32:11.000Z"],
    ["space separator, no zone (UTC)", "2025-01-15 08:32:11", "2025-01-15T08:32:11.000Z"],
    ["epoch seconds", 1_700_000_000, "2023-11-14T22:13:20.000Z"],
    ["epoch seconds as text", "1700000000", "2023-11-14T22:13:20.000Z"],
    ["epoch milliseconds", 1_700_000_000_123, "2023-11-14T22:13:20.123Z"],
    ["date only", "2025-01-15", "2025-01-15T00:00:00.000Z"],
  ])("reads %s", (_, input, expected) => {
    expect(toIsoDate(input)).toBe(expected);
  });

  it("applies an assumed offset to zone-less wall-clock text only", () => {
    expect(toIsoDate("2025-01-15 10:32:11", { assumeOffset: "+02:00" })).toBe("2025-01-15T08:32:11.000Z");
    expect(toIsoDate("2025-01-15T10:32:11Z", { assumeOffset: "+02:00" })).toBe("2025-01-15T10:32:11.000Z");
  });

  it.each([
    "yesterday",
    "2025-02-30T00:00:00Z",
    "2025-13-01",
    "2025-01-15T25:00:00Z",
    "2025-01-15T10:00:00+15:00",
    "",
    "NaN",
    "1e400",
    "99999-01-01",
  ])("rejects %j", (input) => {
    expect(toIsoDate(input)).toBeUndefined();
  });

  it.each([null, undefined, {}, [], true, Number.NaN, Number.POSITIVE_INFINITY, 1e20, -1])("rejects %j", (input) => {
    expect(toIsoDate(input)).toBeUndefined();
  });

  it("round-trips every instant it prints", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-12-31") }), (date) => {
        expect(toIsoDate(date.toISOString())).toBe(date.toISOString());
        expect(toIsoDate(date)).toBe(date.toISOString());
      }),
    );
  });
});

describe("isoString", () => {
  it("writes exactly what Date.prototype.toISOString writes, over the whole accepted range", () => {
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    fc.assert(
      fc.property(fc.integer({ min: 0, max }), (time) => {
        expect(isoString(time)).toBe(new Date(time).toISOString());
      }),
      { numRuns: 2000 },
    );
    for (const time of [0, 951_782_400_000, 4_107_542_400_000, max]) expect(isoString(time)).toBe(new Date(time).toISOString());
  });
});
