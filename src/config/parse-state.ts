// Parses the `state:` setting: where counters shared by several replicas live (Redis), given as a
// URL or as a mapping with the key prefix, the timeout after which a call is refused, and whether
// busy counts are served from leases.
import { durationSetting } from './duration-setting.js';
import type { StateConfig } from './gateway-config.js';
import { isObject } from '../lib/is-object.js';

export const DEFAULT_STATE_KEY_PREFIX = 'toolgate:';
export const DEFAULT_STATE_TIMEOUT_MS = 500;

const STATE_KEYS = new Set(['url', 'keyPrefix', 'timeout', 'leases']);
const URL_MESSAGE = 'must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"';

export function parseState(raw: unknown, issues: Array<{ path: string; message: string }>): StateConfig | undefined {
  if (raw === undefined) return undefined;
  const entry: Record<string, unknown> = typeof raw === 'string' ? { url: raw } : isObject(raw) ? raw : {};
  if (typeof raw !== 'string' && !isObject(raw)) {
    issues.push({ path: 'state', message: `${URL_MESSAGE}, or a mapping {url, keyPrefix, timeout, leases}` });
    return undefined;
  }
  const path = typeof raw === 'string' ? 'state' : 'state.url';
  for (const key of Object.keys(entry)) if (!STATE_KEYS.has(key)) issues.push({ path: `state.${key}`, message: 'unknown setting' });
  const url = entry['url'];
  const validUrl = typeof url === 'string' && /^rediss?:\/\//.test(url) && URL.canParse(url);
  if (!validUrl) issues.push({ path, message: URL_MESSAGE });
  const keyPrefix = entry['keyPrefix'] ?? DEFAULT_STATE_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || keyPrefix === '') issues.push({ path: 'state.keyPrefix', message: 'must be a non-empty string, e.g. "toolgate:"' });
  const timeoutMs = durationSetting(entry['timeout'], 'state.timeout', '"500ms" or "2s"', issues) ?? DEFAULT_STATE_TIMEOUT_MS;
  const leases = entry['leases'] ?? true;
  if (typeof leases !== 'boolean') issues.push({ path: 'state.leases', message: 'must be true (the default) or false' });
  if (!validUrl || typeof keyPrefix !== 'string' || keyPrefix === '') return undefined;
  return { kind: 'redis', url: url as string, keyPrefix, timeoutMs, leases: leases !== false };
}

