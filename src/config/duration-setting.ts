// A duration setting of the config ("500ms", "30s", "2m"): its milliseconds, or an issue at its path.
import { parseDuration } from '../lib/durations.js';

/** Where config parsers collect what is wrong, each with its path. */
export type ConfigIssues = Array<{ path: string; message: string }>;

/** Every duration setting is a timer; Node fires a longer one after 1 ms (TimeoutOverflowWarning). */
export const LONGEST_TIMER_MS = 24 * 86_400_000;

/** Undefined when absent, or when it is not a duration (then an issue naming `path`, with `example`). */
export function durationSetting(raw: unknown, path: string, example: string, issues: ConfigIssues): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (parsed === undefined) issues.push({ path, message: `must be a duration like ${example}` });
  else if (parsed > LONGEST_TIMER_MS) issues.push({ path, message: 'must be at most 24d (the longest timer Node keeps)' });
  else return parsed;
  return undefined;
}
