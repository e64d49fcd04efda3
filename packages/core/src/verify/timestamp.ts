import type { VerifyResult } from "../plugin.js";
import { unauthorized } from "./result.js";

export interface TimestampWindow {
  /** How old a signed time may be: size it to the provider's retry behaviour (SendGrid re-sends the original time for 24 h). */
  readonly maxAgeSeconds: number;
  /** How far ahead of our clock a signed time may be (clock skew); default 300 s. */
  readonly maxFutureSeconds?: number;
  readonly unit?: "seconds" | "milliseconds";
  readonly location: string;
}

export const DEFAULT_MAX_FUTURE_SECONDS = 300;

/** Digits allowed per unit: enough until the year 33658, and few enough that Number() stays exact. */
const DIGITS = { seconds: /^\d{1,12}$/, milliseconds: /^\d{1,15}$/ } as const;

/**
 * Bounds replays: undefined when the signed time is inside the window, unauthorized when it is
 * missing, not a whole number of the unit, older than maxAgeSeconds or further ahead than
 * maxFutureSeconds. An invalid clock fails closed rather than letting every time through.
 */
export function checkTimestamp(value: string | number | undefined, now: Date, window: TimestampWindow): VerifyResult | undefined {
  const { location } = window;
  const unit = window.unit ?? "seconds";
  if (value === undefined || value === "") return unauthorized("the signed timestamp is missing", location);
  const count = typeof value === "number" ? value : DIGITS[unit].test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 0) return unauthorized(`the signed timestamp is not a whole number of ${unit}`, location);
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) return unauthorized("the clock is not a valid time, so the signed timestamp cannot be checked", location);
  const ageMs = nowMs - (unit === "seconds" ? count * 1000 : count);
  if (ageMs > window.maxAgeSeconds * 1000) return unauthorized(`the signed timestamp is older than ${window.maxAgeSeconds} s`, location);
  const maxFuture = window.maxFutureSeconds ?? DEFAULT_MAX_FUTURE_SECONDS;
  if (-ageMs > maxFuture * 1000) return unauthorized(`the signed timestamp is more than ${maxFuture} s in the future`, location);
  return undefined;
}
