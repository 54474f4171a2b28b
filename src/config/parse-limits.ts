// Parses the settings that bound what a slow or oversized peer can cost the gateway: the `http:`
// timeouts of the client-facing server (and how long it keeps an idle connection), and a server's
// `maxMessageSize`.
import { isObject } from '../lib/is-object.js';
import { durationSetting, type ConfigIssues as Issues } from './duration-setting.js';
import type { HttpTimeouts } from './gateway-config.js';

const HTTP_KEYS = new Set(['headersTimeout', 'requestTimeout', 'keepAliveTimeout']);
const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
/** Below this an ordinary `initialize` answer would not fit. */
const MIN_MESSAGE_BYTES = 64 * 1024;

export function parseHttpTimeouts(raw: unknown, issues: Issues): HttpTimeouts {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    issues.push({ path: 'http', message: 'must be a mapping, e.g. {headersTimeout: 10s, requestTimeout: 60s}' });
    return {};
  }
  const entry = raw;
  for (const key of Object.keys(entry)) if (!HTTP_KEYS.has(key)) issues.push({ path: `http.${key}`, message: 'unknown setting' });
  const headersTimeoutMs = durationSetting(entry['headersTimeout'], 'http.headersTimeout', '"10s" or "500ms"', issues);
  const requestTimeoutMs = durationSetting(entry['requestTimeout'], 'http.requestTimeout', '"10s" or "500ms"', issues);
  const keepAliveTimeoutMs = durationSetting(entry['keepAliveTimeout'], 'http.keepAliveTimeout', '"65s" or "2m"', issues);
  if (headersTimeoutMs !== undefined && requestTimeoutMs !== undefined && headersTimeoutMs > requestTimeoutMs) {
    issues.push({ path: 'http.headersTimeout', message: `must not be longer than http.requestTimeout (the headers are part of the request)` });
  }
  return {
    ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs } : {}),
  };
}

/** `maxMessageSize`: a whole number of bytes, or e.g. "512KiB", "16MiB". */
export function parseMessageSize(raw: unknown, path: string, issues: Issues): number | undefined {
  if (raw === undefined) return undefined;
  const match = typeof raw === 'number' ? ['', String(raw), ''] : typeof raw === 'string' ? /^(\d+)\s*(B|KiB|MiB|GiB)?$/.exec(raw.trim()) : null;
  const bytes = match ? Number(match[1]) * (SIZE_UNITS[match[2] ?? ''] ?? Number.NaN) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < MIN_MESSAGE_BYTES) {
    issues.push({ path, message: `must be a size of at least 64KiB, e.g. "16MiB", "512KiB" or a number of bytes` });
    return undefined;
  }
  return bytes;
}
