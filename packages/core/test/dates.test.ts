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
    "0075-01-01T00:00:00Z",
    "2025-01-15T08:32:11.1234567890Z",
    "2025-01-15T08:32:11+02:0",
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

/**
 * The regex the character-code reader stands in for, with its original arithmetic: the reference
 * for every text, including those the quick reader hands back to the regex.
 */
function reference(text: string, assumeOffset = "Z"): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone = assumeOffset] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (zone !== "Z" && zone !== "z" && (!z || Number(z[2]) > 14 || Number(z[3] ?? 0) > 59)) return undefined;
  const offset = z ? (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) : 0;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, frac === "" ? 0 : Math.floor(Number(`0.${frac}`) * 1000)) - offset * 60_000;
  return time >= 0 && time <= Date.UTC(9999, 11, 31, 23, 59, 59, 999) ? new Date(time).toISOString() : undefined;
}

describe("wall-clock and ISO text", () => {
  const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
  const piece = fc.oneof(
    fc.constantFrom("-", ":", "T", " ", "t", ".", ",", "Z", "z", "+", "\u00a0", "\t"),
    digits(1, 4),
    fc.constantFrom("+02:00", "-00:01", "+14:00", "+15:00", "-0530", "+02", "+2", "Z", "+00:60"),
  );
  const dateLike = fc
    .tuple(
      fc.constantFrom("1969", "1970", "2020", "2024", "9999", "0075", "2100"),
      fc.constantFrom("01", "02", "12", "13", "00"),
      fc.constantFrom("01", "28", "29", "30", "31", "32", "00"),
      fc.array(piece, { maxLength: 8 }),
    )
    .map(([y, mo, d, rest]) => `${y}-${mo}-${d}${rest.join("")}`);
  const wellFormed = fc
    .tuple(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-12-30") }),
      fc.constantFrom("T", " "),
      fc.constantFrom("", ":ss", ":ss.f", ":ss.fff", ":ss,fff", ":ss.ffffff", ":ss.fffffffff", ":ss.ffffffffff"),
      fc.constantFrom("", "Z", "z", "+02:00", "-05:30", "+0545", "-03", " Z", "  +01:00", "+14:59", "-15:00"),
      digits(10, 10),
    )
    .map(([date, sep, seconds, zone, fraction]) => {
      const iso = date.toISOString();
      const s = seconds.replace("ss", iso.slice(17, 19)).replace(/f+/, (f) => fraction.slice(0, f.length));
      return `${iso.slice(0, 10)}${sep}${iso.slice(11, 16)}${s}${zone}`;
    });

  it("reads every text as the ISO_LIKE regex reads it", () => {
    fc.assert(
      fc.property(fc.oneof(dateLike, wellFormed, fc.string()), fc.constantFrom("Z", "+01:00", "-0300", "+02", "bogus"), (text, assumeOffset) => {
        fc.pre(!/^-?\d+(\.\d+)?$/.test(text.trim())); // epoch numbers, read elsewhere
        expect(toIsoDate(text, { assumeOffset })).toBe(reference(text, assumeOffset));
      }),
      { numRuns: 5000 },
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
