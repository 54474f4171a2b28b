// Window math on its own: UTC alignment, the sliding retry time, and what "fits" means for sums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarWindow, fits, slidingRetryAfterMs } from './windows.js';

test('calendar windows are UTC-aligned, whatever the first call', () => {
  const now = Date.UTC(2026, 9, 25, 1, 30, 15, 250); // a night European clocks go back
  assert.deepEqual(calendarWindow('day', now), {
    index: Math.floor(now / 86_400_000),
    startMs: Date.UTC(2026, 9, 25),
    endMs: Date.UTC(2026, 9, 26),
  });
  assert.equal(calendarWindow('hour', now).startMs, Date.UTC(2026, 9, 25, 1));
  assert.equal(calendarWindow('minute', now).endMs, Date.UTC(2026, 9, 25, 1, 31));
  assert.equal(calendarWindow('second', now).startMs, Date.UTC(2026, 9, 25, 1, 30, 15));
});

test('sliding retry: the moment the last entry that must leave has left', () => {
  const entries = [
    { at: 1_000, amount: 1 }, // already out of (1_500, 11_500]
    { at: 2_000, amount: 2 },
    { at: 3_000, amount: 1 },
    { at: 4_000, amount: 2 },
  ];
  assert.equal(slidingRetryAfterMs(entries, 11_500, 10_000, 1, 5), 500);
  assert.equal(slidingRetryAfterMs(entries, 11_500, 10_000, 3, 5), 1_500);
  assert.equal(slidingRetryAfterMs(entries, 11_500, 10_000, 5, 5), 2_500);
  assert.equal(slidingRetryAfterMs(entries, 11_500, 10_000, 6, 5), 10_000, 'never fits: the window length');
});

test('fits: whole numbers exactly, fractions within rounding, NaN never', () => {
  assert.equal(fits(9, 1, 10), true);
  assert.equal(fits(10, 1, 10), false);
  assert.equal(fits(2 ** 52, 1, 2 ** 52), false);
  assert.equal(fits(0.1, 0.2, 0.3), true);
  assert.equal(fits(0.3, 0.001, 0.3), false);
  assert.equal(fits(0, Number.NaN, 10), false);
});
