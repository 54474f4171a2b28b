// How long a crashed upstream waits before it is started again: at once-ish after the first crash,
// doubling with each crash in a row up to a ceiling, so a server that dies on start-up cannot
// turn the gateway into a fork loop.

/** A connection that lived this long was healthy: its crash starts the count again. */
export const STABLE_AFTER_MS = 60_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;

/** The delay before the next start after `failures` failures in a row (1 = the first). */
export function restartDelayMs(failures: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
}
