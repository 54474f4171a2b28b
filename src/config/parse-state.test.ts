// The `state:` setting: a Redis URL or a mapping, with defaults, and every mistake named by path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from './load-config.js';

const minimal = { servers: { demo: { command: 'node', policy: 'policy.json' } } };

function issuesOf(state: unknown): string[] {
  try {
    parseConfig({ ...minimal, state }, { baseDir: '/etc/toolgate', env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

test('no state: counters stay in the embedded SQLite file', () => {
  assert.equal(parseConfig(minimal, { baseDir: '/etc/toolgate', env: {} }).state, undefined);
});

test('a redis URL, with the default prefix and timeout', () => {
  const config = parseConfig({ ...minimal, state: 'redis://127.0.0.1:6379/2' }, { baseDir: '/etc/toolgate', env: {} });
  assert.deepEqual(config.state, { kind: 'redis', url: 'redis://127.0.0.1:6379/2', keyPrefix: 'toolgate:', timeoutMs: 500, leases: true });
});

test('a mapping with url, keyPrefix, timeout and leases; ${VAR} works in the URL', () => {
  const config = parseConfig(
    { ...minimal, state: { url: 'rediss://:${REDIS_PASSWORD}@redis.internal:6380', keyPrefix: 'prod:', timeout: '250ms', leases: false } },
    { baseDir: '/etc/toolgate', env: { REDIS_PASSWORD: 'pw' } },
  );
  assert.deepEqual(config.state, { kind: 'redis', url: 'rediss://:pw@redis.internal:6380', keyPrefix: 'prod:', timeoutMs: 250, leases: false });
});

test('anything else is refused, each problem with its path', () => {
  assert.deepEqual(issuesOf('http://127.0.0.1:6379'), ['state: must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"']);
  assert.deepEqual(issuesOf(6379), ['state: must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379", or a mapping {url, keyPrefix, timeout, leases}']);
  assert.deepEqual(issuesOf({ url: 'redis://h', keyPrefix: '', timeout: 'soon', ttl: 5, leases: 'yes' }), [
    'state.ttl: unknown setting',
    'state.keyPrefix: must be a non-empty string, e.g. "toolgate:"',
    'state.timeout: must be a duration like "500ms" or "2s"',
    'state.leases: must be true (the default) or false',
  ]);
  assert.deepEqual(issuesOf({ keyPrefix: 'x:' }), ['state.url: must be a redis:// or rediss:// URL, e.g. "redis://127.0.0.1:6379"']);
});
