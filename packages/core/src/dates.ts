/**
 * Event dates. Providers send epoch seconds, epoch milliseconds, ISO 8601 with or without a zone,
 * or "YYYY-MM-DD HH:MM:SS" wall-clock text; the vocabulary wants one form, `toISOString()` UTC.
 */

/** Earliest and latest instants accepted as event times; anything outside is a broken value. */
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Epoch numbers below this are seconds, above are milliseconds (1e11 s is the year 5138). */
const SECONDS_CUTOFF = 1e11;

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface DateOptions {
  /** Offset applied to wall-clock text without a zone, e.g. "+02:00" for South African time. */
  readonly assumeOffset?: string;
  /** How to read a bare number: "auto" (by magnitude), "seconds" or "milliseconds". */
  readonly epoch?: "auto" | "seconds" | "milliseconds";
}

/** The instant as `toISOString()` text, or undefined when `value` is no recognizable date. */
export function toIsoDate(value: unknown, options: DateOptions = {}): string | undefined {
  // Text already in that form (a plugin that read the date itself) is kept as it is: at once when
  // this module just wrote it, else once it is checked.
  if (typeof value === "string" && value.length === 24 && value.charCodeAt(10) === 84 && value.charCodeAt(19) === 46 && value.charCodeAt(23) === 90) {
    if (recentTexts.has(value)) return value;
    const time = quickTime(value, "Z");
    if (time !== NOT_QUICK) return time === undefined ? undefined : value;
  }
  const time = toTime(value, options);
  return time === undefined ? undefined : recentIsoString(time);
}

/**
 * Events of one batch mostly share a handful of timestamps (SendGrid batches by the second), so
 * the last few formatted instants are kept: fewer strings allocated, less formatting.
 */
const recent = new Map<number, string>();
/** The same texts: a plugin's reader that formatted its date here hands the engine one of these. */
const recentTexts = new Set<string>();

function recentIsoString(time: number): string {
  let text = recent.get(time);
  if (text === undefined) {
    if (recent.size >= 256) {
      recent.clear();
      recentTexts.clear();
    }
    text = isoString(time);
    recent.set(time, text);
    recentTexts.add(text);
  }
  return text;
}

/**
 * `new Date(time).toISOString()` for years 1970-9999, by integer arithmetic (Hinnant's
 * civil-from-days): several times faster than the builtin, which matters once per event.
 */
export function isoString(time: number): string {
  const days = Math.floor(time / 86_400_000);
  let rest = time - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function toTime(value: unknown, options: DateOptions): number | undefined {
  if (value instanceof Date) return inRange(value.getTime());
  if (typeof value === "number") return fromEpoch(value, options.epoch ?? "auto");
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  // A '-' after four characters is a date, never an epoch number: the common case skips that test.
  if (trimmed.charCodeAt(4) !== 45 && /^-?\d+(\.\d+)?$/.test(trimmed)) return fromEpoch(Number(trimmed), options.epoch ?? "auto");
  return fromText(trimmed, options.assumeOffset ?? "Z");
}

function fromEpoch(n: number, unit: "auto" | "seconds" | "milliseconds"): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const seconds = unit === "seconds" || (unit === "auto" && Math.abs(n) < SECONDS_CUTOFF);
  return inRange(Math.round(seconds ? n * 1000 : n));
}

/** Read by character codes when the text is plain ISO_LIKE; anything else goes to the regex. */
function fromText(value: string, assumeOffset: string): number | undefined {
  const quick = quickTime(value, assumeOffset);
  if (quick !== NOT_QUICK) return quick;
  const m = ISO_LIKE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  const offset = offsetMinutes(zone ?? assumeOffset);
  if (offset === undefined) return undefined;
  return instant(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), fractionMs(frac, 0, frac.length), offset);
}

/** Neither a time (those are never negative) nor an offset in minutes. */
const NOT_QUICK = Number.MIN_SAFE_INTEGER;

/**
 * ISO_LIKE without its whitespace before the zone, read by character codes: the time, undefined
 * when the text matches but names no real instant, or NOT_QUICK when the regex must decide (any
 * character out of place). A regex match cost more than the rest of a small event's mapping.
 */
function quickTime(v: string, assumeOffset: string): number | undefined {
  const n = v.length;
  if (n < 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return NOT_QUICK;
  const year = digits4(v, 0), month = digits2(v, 5), day = digits2(v, 8);
  if (year < 0 || month < 0 || day < 0) return NOT_QUICK;
  let i = 10;
  let hour = 0, minute = 0, second = 0, ms = 0;
  const separator = v.charCodeAt(10);
  if ((separator === 84 || separator === 32) && v.charCodeAt(13) === 58 && digits2(v, 11) >= 0 && digits2(v, 14) >= 0) {
    hour = digits2(v, 11);
    minute = digits2(v, 14);
    i = 16;
    if (v.charCodeAt(16) === 58) {
      second = digits2(v, 17);
      if (second < 0) return NOT_QUICK;
      i = 19;
      const dot = v.charCodeAt(19);
      if (dot === 46 || dot === 44) {
        let end = 20;
        while (end < n && end < 29 && isDigit(v.charCodeAt(end))) end++;
        if (end === 20) return NOT_QUICK;
        ms = fractionMs(v, 20, end);
        i = end;
      }
    }
  }
  const offset = i === n ? zoneMinutes(assumeOffset, 0) : zoneMinutes(v, i);
  if (offset === NOT_QUICK) return NOT_QUICK;
  return offset === undefined ? undefined : instant(year, month, day, hour, minute, second, ms, offset);
}

/** The zone that fills `text` from `start` to its end ("Z", "+02:00", "+0200", "+02") in minutes. */
function zoneMinutes(text: string, start: number): number | undefined {
  const c = text.charCodeAt(start);
  const rest = text.length - start;
  if (rest === 1 && (c === 90 || c === 122)) return 0;
  if (c !== 43 && c !== 45) return NOT_QUICK;
  const hours = digits2(text, start + 1);
  let minutes = 0;
  if (hours < 0) return NOT_QUICK;
  if (rest === 6 && text.charCodeAt(start + 3) === 58) minutes = digits2(text, start + 4);
  else if (rest === 5) minutes = digits2(text, start + 3);
  else if (rest !== 3) return NOT_QUICK;
  if (minutes < 0) return NOT_QUICK;
  if (hours > 14 || minutes > 59) return undefined;
  return (c === 45 ? -1 : 1) * (hours * 60 + minutes);
}

function digits2(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48, b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function digits4(text: string, at: number): number {
  const high = digits2(text, at), low = digits2(text, at + 2);
  return high < 0 || low < 0 ? -1 : high * 100 + low;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Milliseconds of a fraction's digits `text[start, end)`, truncated: "5" is 500, "123456" is 123. */
function fractionMs(text: string, start: number, end: number): number {
  let ms = 0;
  for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < end ? text.charCodeAt(start + k) - 48 : 0);
  return ms;
}

function instant(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number): number | undefined {
  // Date.UTC reads years 0-99 as 1900-1999; none of them is in range anyway.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC rolls 31 February into March; a date that does not exist is rejected instead.
  if (day > daysInMonth(year, month)) return undefined;
  return inRange(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A whole zone text in minutes (see zoneMinutes), or undefined when it is none. */
function offsetMinutes(zone: string): number | undefined {
  const minutes = zoneMinutes(zone, 0);
  return minutes === NOT_QUICK ? undefined : minutes;
}

function inRange(time: number): number | undefined {
  return Number.isFinite(time) && time >= MIN_TIME && time <= MAX_TIME ? time : undefined;
}
