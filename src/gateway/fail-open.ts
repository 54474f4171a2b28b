// `failMode: open`: when the counter store cannot answer, a call whose limits are all pure rate
// limits passes uncounted, loudly; a spend cap (`increment_from`) always fails closed.
import type { Logger } from '../lib/logger.js';
import type { LimitRequest } from '../policy/types.js';

/** At most one warning line per logger this often; it carries how many calls passed since the last. */
const WARN_INTERVAL_MS = 1_000;
const lastWarning = new WeakMap<Logger, { at: number; uncounted: number }>();

/** The audit reason of a call admitted this way. */
export const UNCOUNTED_REASON = 'admitted without counting: the rate-limit store was unavailable and failMode is open';

export interface FailOpenCall {
  server: string;
  tool: string;
  /** Why the store could not answer. */
  reason: string;
}

/** Whether a call the store could not judge may pass anyway; logs a warning when it does. */
export function admitsFailOpen(failMode: 'closed' | 'open' | undefined, limits: readonly LimitRequest[], logger: Logger, call: FailOpenCall, now = Date.now()): boolean {
  if (failMode !== 'open' || limits.some((limit) => limit.incrementFrom !== undefined)) return false;
  const state = lastWarning.get(logger) ?? { at: Number.NEGATIVE_INFINITY, uncounted: 0 };
  lastWarning.set(logger, state);
  state.uncounted += 1;
  if (now - state.at >= WARN_INTERVAL_MS) {
    logger.warn(
      { ...call, failMode: 'open', uncountedCalls: state.uncounted, counters: limits.map((limit) => limit.counter) },
      'FAIL OPEN: the rate-limit store is unavailable; admitting calls WITHOUT counting them against their rate limits',
    );
    state.at = now;
    state.uncounted = 0;
  }
  return true;
}
