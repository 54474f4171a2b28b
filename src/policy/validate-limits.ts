// Validates `limits` and the `rate_limit` shorthand of one tool entry into `LimitRule`s.
import type { CalendarUnit, LimitRule, LimitScope, WindowSpec } from './types.js';
import { parseDuration } from '../lib/durations.js';
import { parseArgPath } from './arg-path.js';
import {
  checkKeys,
  indexPath,
  keyPath,
  quoteList,
  type IssueCollector,
} from './policy-issues.js';
import { isObject } from '../lib/is-object.js';

const CALENDAR_UNITS: readonly CalendarUnit[] = ['second', 'minute', 'hour', 'day'];
const SCOPES: readonly LimitScope[] = ['grant', 'session', 'server'];
const LIMIT_KEYS = ['counter', 'window', 'max', 'scope', 'increment_from', 'integer'];
const RATE_LIMIT_KEYS = ['max', 'window'];

export const WINDOW_MESSAGE = 'must be "second", "minute", "hour", "day" or a positive number of seconds';
const MAX_MESSAGE = 'must be a non-negative whole number (0 means never)';
const RATE_LIMIT_MESSAGE =
  'must be "<max>/<unit>" such as "10/minute" (unit second, minute, hour or day; or a duration such as "30s" ' +
  'for a sliding window) or an object such as {"max": 10, "window": 60}';

export function validateLimits(raw: unknown, path: string, issues: IssueCollector): LimitRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.error(path, 'must be an array of limits like {"counter": "calls", "window": "minute", "max": 30}');
    return [];
  }
  const limits: LimitRule[] = [];
  raw.forEach((item, index) => {
    const limit = validateLimit(item, indexPath(path, index), issues);
    if (limit) limits.push(limit);
  });
  return limits;
}

function validateLimit(raw: unknown, path: string, issues: IssueCollector): LimitRule | undefined {
  if (!isObject(raw)) {
    issues.error(path, 'must be an object with "counter", "window" and "max"');
    return undefined;
  }
  checkKeys(raw, LIMIT_KEYS, path, issues);
  const counter = validateCounter(raw['counter'], keyPath(path, 'counter'), issues);
  const window = validateWindow(raw['window'], keyPath(path, 'window'), issues);
  const max = validateMax(raw['max'], keyPath(path, 'max'), issues);
  const scope = validateScope(raw['scope'], keyPath(path, 'scope'), issues);
  const incrementFrom = validateIncrementFrom(raw['increment_from'], keyPath(path, 'increment_from'), issues);
  if (counter === undefined || window === undefined || max === undefined || scope === undefined) return undefined;
  const integer = validateInteger(raw['integer'], incrementFrom, keyPath(path, 'integer'), issues);
  if (incrementFrom === null || integer === null) return undefined;
  const limit: LimitRule = { counter, window, max, scope, rule: path };
  if (incrementFrom !== undefined) limit.incrementFrom = incrementFrom;
  if (integer) limit.integer = true;
  return limit;
}

function validateCounter(raw: unknown, path: string, issues: IssueCollector): string | undefined {
  if (typeof raw === 'string' && raw.length > 0) return raw;
  issues.error(path, `${raw === undefined ? 'required; ' : ''}must be a non-empty counter name`);
  return undefined;
}

export function validateWindow(raw: unknown, path: string, issues: IssueCollector): WindowSpec | undefined {
  if (typeof raw === 'string' && (CALENDAR_UNITS as readonly string[]).includes(raw)) {
    return { kind: 'calendar', unit: raw as CalendarUnit };
  }
  if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return { kind: 'sliding', seconds: raw };
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) {
    issues.error(path, `${WINDOW_MESSAGE}; a sliding window is a whole number of seconds`);
    return undefined;
  }
  issues.error(path, `${raw === undefined ? 'required; ' : ''}${WINDOW_MESSAGE}`);
  return undefined;
}

function validateMax(raw: unknown, path: string, issues: IssueCollector): number | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw;
  issues.error(path, `${raw === undefined ? 'required; ' : ''}${MAX_MESSAGE}`);
  return undefined;
}

function validateScope(raw: unknown, path: string, issues: IssueCollector): LimitScope | undefined {
  if (raw === undefined) return 'grant';
  if (typeof raw === 'string' && (SCOPES as readonly string[]).includes(raw)) {
    if (raw === 'session') {
      issues.warn(path, 'scope: "session" counts per grant for 2026-07-28 (stateless) clients, which have no sessions');
    }
    return raw as LimitScope;
  }
  issues.error(path, `must be ${quoteList(SCOPES)}`);
  return undefined;
}

/** undefined: not set (count 1 per call); null: invalid. */
function validateIncrementFrom(raw: unknown, path: string, issues: IssueCollector): string[] | undefined | null {
  if (raw === undefined) return undefined;
  const segments = typeof raw === 'string' ? parseArgPath(raw) : undefined;
  if (segments === undefined || segments.length === 0) {
    issues.error(path, 'must be "args." followed by a dot path to a numeric argument, e.g. "args.amount"');
    return null;
  }
  return segments.map((segment) => segment.key);
}

/** `integer: true` requires whole amounts, so it only means something with `increment_from`. null: invalid. */
function validateInteger(raw: unknown, incrementFrom: string[] | undefined | null, path: string, issues: IssueCollector): boolean | null {
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') {
    issues.error(path, 'must be true or false');
    return null;
  }
  if (raw && incrementFrom === undefined) {
    issues.error(path, 'only applies with "increment_from" (a count of calls is always whole)');
    return null;
  }
  return raw;
}

/** `rate_limit` is one more limit on a counter of its own, `<tool>__rate_limit`, per grant. */
export function validateRateLimit(
  raw: unknown,
  toolName: string,
  path: string,
  issues: IssueCollector,
): LimitRule | undefined {
  if (raw === undefined) return undefined;
  const counter = `${toolName}__rate_limit`;
  if (typeof raw === 'string') {
    const parsed = parseRateLimitText(raw);
    if (parsed === undefined) {
      issues.error(path, RATE_LIMIT_MESSAGE);
      return undefined;
    }
    return { counter, window: parsed.window, max: parsed.max, scope: 'grant', rule: path };
  }
  if (!isObject(raw)) {
    issues.error(path, RATE_LIMIT_MESSAGE);
    return undefined;
  }
  checkKeys(raw, RATE_LIMIT_KEYS, path, issues);
  const max = validateMax(raw['max'], keyPath(path, 'max'), issues);
  const window = validateWindow(raw['window'], keyPath(path, 'window'), issues);
  if (max === undefined || window === undefined) return undefined;
  return { counter, window, max, scope: 'grant', rule: path };
}

/** `"10/minute"` → 10 per calendar minute; `"10/30s"` → 10 per sliding 30 seconds. */
export function parseRateLimitText(text: string): { max: number; window: WindowSpec } | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  if (!match) return undefined;
  const max = Number(match[1]);
  const unit = match[2]!;
  if (!Number.isSafeInteger(max)) return undefined;
  if ((CALENDAR_UNITS as readonly string[]).includes(unit)) {
    return { max, window: { kind: 'calendar', unit: unit as CalendarUnit } };
  }
  const ms = parseDuration(unit);
  if (ms === undefined || ms % 1000 !== 0) return undefined;
  return { max, window: { kind: 'sliding', seconds: ms / 1000 } };
}
