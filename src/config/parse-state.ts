// Parses the `state:` setting: where counters shared by several replicas live (Redis), given as a
// URL or as a mapping with the key prefix and the timeout after which a call is refused.
import { parseDuration } from '../lib/durations.js';
import type { StateConfig } from './gateway-config.js';

export const DEFAULT_STATE_KEY_PREFIX = 'toolgate:';
export const DEFAULT_STATE_TIMEOUT_MS = 500;

const STATE_KEYS = new Set(['url', 'keyPrefix', 'timeout']);
const URL_MESSAGE = 'must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"';

export function parseState(raw: unknown, issues: Array<{ path: string; message: string }>): StateConfig | undefined {
  if (raw === undefined) return undefined;
  const entry: Record<string, unknown> = typeof raw === 'string' ? { url: raw } : isObject(raw) ? raw : {};
  if (typeof raw !== 'string' && !isObject(raw)) {
    issues.push({ path: 'state', message: `${URL_MESSAGE}, or a mapping {url, keyPrefix, timeout}` });
    return undefined;
  }
  const path = typeof raw === 'string' ? 'state' : 'state.url';
  for (const key of Object.keys(entry)) if (!STATE_KEYS.has(key)) issues.push({ path: `state.${key}`, message: 'unknown setting' });
  const url = entry['url'];
  const validUrl = typeof url === 'string' && /^rediss?:\/\//.test(url) && URL.canParse(url);
  if (!validUrl) issues.push({ path, message: URL_MESSAGE });
  const keyPrefix = entry['keyPrefix'] ?? DEFAULT_STATE_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || keyPrefix === '') issues.push({ path: 'state.keyPrefix', message: 'must be a non-empty string, e.g. "toolgate:"' });
  let timeoutMs = DEFAULT_STATE_TIMEOUT_MS;
  if (entry['timeout'] !== undefined) {
    const parsed = typeof entry['timeout'] === 'string' ? parseDuration(entry['timeout']) : undefined;
    if (parsed === undefined) issues.push({ path: 'state.timeout', message: 'must be a duration like "500ms" or "2s"' });
    else timeoutMs = parsed;
  }
  if (!validUrl || typeof keyPrefix !== 'string' || keyPrefix === '') return undefined;
  return { kind: 'redis', url: url as string, keyPrefix, timeoutMs };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
