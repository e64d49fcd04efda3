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
  const time = toTime(value, options);
  return time === undefined ? undefined : recentIsoString(time);
}

/**
 * Events of one batch mostly share a handful of timestamps (SendGrid batches by the second), so
 * the last few formatted instants are kept: fewer strings allocated, less formatting.
 */
const recent = new Map<number, string>();

function recentIsoString(time: number): string {
  let text = recent.get(time);
  if (text === undefined) {
    if (recent.size >= 256) recent.clear();
    text = isoString(time);
    recent.set(time, text);
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
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return fromEpoch(Number(trimmed), options.epoch ?? "auto");
  return fromText(trimmed, options.assumeOffset ?? "Z");
}

function fromEpoch(n: number, unit: "auto" | "seconds" | "milliseconds"): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const seconds = unit === "seconds" || (unit === "auto" && Math.abs(n) < SECONDS_CUTOFF);
  return inRange(Math.round(seconds ? n * 1000 : n));
}

function fromText(value: string, assumeOffset: string): number | undefined {
  const m = ISO_LIKE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === "" ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  // Date.UTC rolls 31 February into March; a date that does not exist is rejected instead.
  if (day > daysInMonth(year, month)) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const offset = offsetMinutes(zone ?? assumeOffset);
  return offset === undefined ? undefined : inRange(local - offset * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function offsetMinutes(zone: string): number | undefined {
  if (zone === "Z" || zone === "z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]), minutes = Number(m[3] ?? "0");
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

function inRange(time: number): number | undefined {
  return Number.isFinite(time) && time >= MIN_TIME && time <= MAX_TIME ? time : undefined;
}
