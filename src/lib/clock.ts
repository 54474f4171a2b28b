// Time as an injectable dependency, so window and expiry logic is tested without sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** For tests only: `TOOLGATE_CLOCK_OFFSET_MS` shifts a `toolgate serve` process's clock, so a test
 *  can run replicas whose clocks disagree. Unset (always, in production): the clock unchanged. */
export function clockWithTestOffset(clock: Clock, env: NodeJS.ProcessEnv): Clock {
  const offset = Number(env['TOOLGATE_CLOCK_OFFSET_MS'] ?? 0);
  if (!Number.isFinite(offset) || offset === 0) return clock;
  return { now: () => clock.now() + offset };
}

export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
