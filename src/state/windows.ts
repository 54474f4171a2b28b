// Window math shared by every counter backend: UTC calendar windows, exact sliding-window logs,
// and the "does this amount still fit" test, so all backends admit exactly the same calls.
import type { CalendarUnit, WindowSpec } from '../policy/types.js';

export const CALENDAR_UNIT_MS: Readonly<Record<CalendarUnit, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** One calendar window: `[startMs, endMs)`, numbered from the Unix epoch. */
export interface CalendarWindow {
  index: number;
  startMs: number;
  endMs: number;
}

/** Epoch time has no leap seconds or time zones, so epoch-aligned windows are UTC-aligned ones:
 *  a `day` runs from 00:00:00.000 UTC to the next midnight. */
export function calendarWindow(unit: CalendarUnit, nowMs: number): CalendarWindow {
  const unitMs = CALENDAR_UNIT_MS[unit];
  const index = Math.floor(nowMs / unitMs);
  return { index, startMs: index * unitMs, endMs: (index + 1) * unitMs };
}

export function windowLengthMs(window: WindowSpec): number {
  return window.kind === 'calendar' ? CALENDAR_UNIT_MS[window.unit] : window.seconds * 1000;
}

/** Entries at or before this instant have left a sliding window of `lengthMs` at `nowMs`: the
 *  window is `(now - length, now]`, so no half-open interval of that length ever holds more than max. */
export function slidingCutoffMs(nowMs: number, lengthMs: number): number {
  return nowMs - lengthMs;
}

/** One reserved amount in a sliding-window log. */
export interface SlidingEntry {
  at: number;
  amount: number;
}

/**
 * How long until `amount` fits in a sliding window: the oldest entries leave one by one, and the
 * answer is the moment the last one that must go has gone. `entries` are oldest first; those
 * already outside the window (and those before `start`) are skipped. An amount larger than max
 * never fits: the window length is reported, the longest any one entry can hold the budget.
 */
export function slidingRetryAfterMs(
  entries: readonly SlidingEntry[],
  nowMs: number,
  lengthMs: number,
  amount: number,
  max: number,
  start = 0,
): number {
  if (!fits(0, amount, max)) return lengthMs;
  const cutoff = slidingCutoffMs(nowMs, lengthMs);
  let total = 0;
  for (let i = start; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.at > cutoff) total += entry.amount;
  }
  for (let i = start; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.at <= cutoff || entry.amount === 0) continue;
    total -= entry.amount;
    if (fits(total, amount, max)) return Math.max(1, entry.at + lengthMs - nowMs);
  }
  return lengthMs;
}

/** Relative slack for fractional sums only, so binary rounding (0.1 + 0.2 > 0.3) never refuses a
 *  spend that fits in decimal; a billionth of max is far below any real amount. */
const FRACTION_TOLERANCE = 1e-9;

/** Whether adding `amount` to `total` stays within `max`. Whole numbers compare exactly; NaN never fits. */
export function fits(total: number, amount: number, max: number): boolean {
  const sum = total + amount;
  if (sum <= max) return true;
  if (Number.isInteger(sum) && Number.isInteger(max)) return false;
  return sum - max <= FRACTION_TOLERANCE * Math.max(1, Math.abs(max));
}

/** The engine only sends finite non-negative amounts; anything else would corrupt a counter
 *  (a negative amount would hand budget back), so stores refuse it rather than count it. */
export function isValidAmount(amount: number): boolean {
  return Number.isFinite(amount) && amount >= 0;
}
