// The config loader: defaults, ${VAR} expansion, and every problem reported with its path.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from './load-config.js';

const minimal = { servers: { demo: { command: 'node', args: ['server.js'], policy: 'policy.json' } } };

function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, { baseDir: '/etc/toolgate', env });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

test('defaults: loopback 8420, grants, fail closed, dataDir beside the config', () => {
  const config = parseConfig(minimal, { baseDir: '/etc/toolgate', env: {} });
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8420 });
  assert.equal(config.auth, 'grants');
  assert.equal(config.failMode, 'closed');
  assert.equal(config.dataDir, '/etc/toolgate/.toolgate');
  const server = config.servers['demo']!;
  assert.deepEqual(server.policy, { kind: 'file', path: '/etc/toolgate/policy.json' });
  assert.deepEqual(server.upstream, { kind: 'stdio', command: 'node', args: ['server.js'], env: {} });
  assert.equal(server.requestTimeoutMs, 60_000);
});

test('${VAR} is read from the environment; a missing one is an error with its path', () => {
  const raw = { servers: { remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${TOKEN}' }, policy: { version: '1' } } } };
  const config = parseConfig(raw, { baseDir: '/x', env: { TOKEN: 's3cret' } });
  const upstream = config.servers['remote']!.upstream;
  assert.equal(upstream.kind === 'http' && upstream.headers['Authorization'], 'Bearer s3cret');
  assert.deepEqual(issuesOf(raw), ['servers.remote.headers.Authorization: environment variable TOKEN is not set']);
});

test('every problem is reported at once, each with its path', () => {
  const issues = issuesOf({
    listen: 'nowhere',
    auth: 'maybe',
    bogus: 1,
    servers: {
      a: { command: 'node', url: 'http://x', policy: 'p.json' },
      b: { url: 'ftp://x', policy: 'p.json' },
      c: { command: 'node', timeout: 'soon' },
      'bad name!': { command: 'node', policy: 'p.json' },
    },
  });
  assert.deepEqual(issues.sort(), [
    'auth: must be one of "grants", "none"',
    'bogus: unknown setting',
    'listen: must be "host:port", e.g. "127.0.0.1:8420" (port 0 picks a free port)',
    'servers.a: needs exactly one of "command" (a stdio server) or "url" (an HTTP server)',
    'servers.b.url: must be an http:// or https:// URL',
    'servers.bad name!: server names are letters, digits, "_", "-" and "." (used in the URL /mcp/<name>)',
    'servers.c.policy: must be the path of a policy file (relative to the config file) or an inline policy',
    'servers.c.timeout: must be a duration like "30s" or "2m"',
  ]);
});

test('auth none is refused on a non-loopback listen address', () => {
  assert.deepEqual(issuesOf({ ...minimal, listen: '0.0.0.0:8420', auth: 'none' }), ['auth: "none" is only allowed on a loopback listen address, not 0.0.0.0']);
  assert.deepEqual(issuesOf({ ...minimal, listen: '127.0.0.1:0', auth: 'none' }), []);
});

test('loadConfig reads YAML from a file and resolves paths against its directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-config-'));
  const file = join(dir, 'toolgate.yaml');
  writeFileSync(file, 'listen: 127.0.0.1:0\nservers:\n  demo:\n    command: node\n    policy: policies/demo.json\n');
  const config = await loadConfig(file, {});
  assert.equal(config.listen.port, 0);
  assert.deepEqual(config.servers['demo']!.policy, { kind: 'file', path: join(dir, 'policies', 'demo.json') });
  writeFileSync(file, 'servers: [unclosed\n');
  await assert.rejects(loadConfig(file, {}), /syntax error/);
  await assert.rejects(loadConfig(join(dir, 'missing.yaml'), {}), /cannot read file/);
});

test('approvals: hold time, webhook and its secret; admin: listen and a token that is never short', () => {
  const env = { TOOLGATE_ADMIN_TOKEN: 'a-long-enough-admin-token' };
  const config = parseConfig(
    { ...minimal, approvals: { holdSeconds: 5, webhook: 'https://hooks.example.com/tg', webhookSecret: 'sixteen-chars-ok!' }, admin: { token: '${TOOLGATE_ADMIN_TOKEN}' } },
    { baseDir: '/x', env },
  );
  assert.deepEqual(config.approvals, { holdSeconds: 5, webhook: 'https://hooks.example.com/tg', webhookSecret: 'sixteen-chars-ok!' });
  assert.deepEqual(config.admin, { listen: { host: '127.0.0.1', port: 8421 }, token: 'a-long-enough-admin-token' });
  const defaults = parseConfig(minimal, { baseDir: '/x', env: {} });
  assert.deepEqual(defaults.approvals, { holdSeconds: 30 });
  assert.equal(defaults.admin, undefined);

  assert.deepEqual(issuesOf({ ...minimal, admin: { listen: '127.0.0.1:0' } }), [
    'admin.token: must be a secret of at least 16 characters, e.g. token: "${TOOLGATE_ADMIN_TOKEN}" (the admin API is never served without one)',
  ]);
  assert.deepEqual(issuesOf({ ...minimal, admin: { token: 'short', port: 1 } }).sort(), [
    'admin.port: unknown setting',
    'admin.token: must be a secret of at least 16 characters, e.g. token: "${TOOLGATE_ADMIN_TOKEN}" (the admin API is never served without one)',
  ]);
  assert.deepEqual(issuesOf({ ...minimal, admin: { token: '${TOOLGATE_ADMIN_TOKEN}' } }), ['admin.token: environment variable TOOLGATE_ADMIN_TOKEN is not set']);
  assert.deepEqual(issuesOf({ ...minimal, approvals: { holdSeconds: -1, webhook: 'ftp://x', webhookSecret: 'short', hold: 3 } }).sort(), [
    'approvals.hold: unknown setting',
    'approvals.holdSeconds: must be a non-negative number of seconds',
    'approvals.webhook: must be an http:// or https:// URL',
    'approvals.webhookSecret: must be a string of at least 16 characters',
  ]);
  assert.deepEqual(issuesOf({ ...minimal, approvals: { holdSeconds: 3_000_000 } }), ['approvals.holdSeconds: must be at most 2073600 (24 days, the longest timer Node keeps)']);
});

test('http timeouts and a server\'s maxMessageSize: parsed when given, absent otherwise, every mistake reported', () => {
  const config = parseConfig(
    { http: { headersTimeout: '5s', requestTimeout: '30s', keepAliveTimeout: '90s' }, servers: { demo: { ...minimal.servers.demo, maxMessageSize: '16MiB' }, other: { url: 'http://127.0.0.1:9/mcp', maxMessageSize: 1048576, policy: 'p.json' } } },
    { baseDir: '/x', env: {} },
  );
  assert.deepEqual(config.http, { headersTimeoutMs: 5_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 90_000 });
  assert.equal(config.servers['demo']!.upstream.maxMessageBytes, 16 * 1024 * 1024);
  assert.equal(config.servers['other']!.upstream.maxMessageBytes, 1024 * 1024);
  assert.deepEqual(parseConfig(minimal, { baseDir: '/x', env: {} }).http, {});
  assert.deepEqual(issuesOf({ http: { headersTimeout: 10, requestTimeout: '1s', keepAlive: '1s', keepAliveTimeout: '30d' }, servers: { demo: { ...minimal.servers.demo, maxMessageSize: '1.5MiB' } } }), [
    'http.keepAlive: unknown setting',
    'http.headersTimeout: must be a duration like "10s" or "500ms"',
    'http.keepAliveTimeout: must be at most 24d (the longest timer Node keeps)',
    'servers.demo.maxMessageSize: must be a size of at least 64KiB, e.g. "16MiB", "512KiB" or a number of bytes',
  ]);
  assert.deepEqual(issuesOf({ http: { headersTimeout: '2m', requestTimeout: '1m' }, servers: { demo: { ...minimal.servers.demo, maxMessageSize: '1KiB' } } }), [
    'http.headersTimeout: must not be longer than http.requestTimeout (the headers are part of the request)',
    'servers.demo.maxMessageSize: must be a size of at least 64KiB, e.g. "16MiB", "512KiB" or a number of bytes',
  ]);
  assert.deepEqual(issuesOf({ http: 'fast', servers: minimal.servers }), ['http: must be a mapping, e.g. {headersTimeout: 10s, requestTimeout: 60s}']);
});

test("a server's era: auto by default; legacy, modern and dual accepted; anything else reported with its path", () => {
  assert.equal(parseConfig(minimal, { baseDir: '/x', env: {} }).servers['demo']!.era, 'auto');
  for (const era of ['legacy', 'modern', 'dual'] as const) {
    const config = parseConfig({ servers: { demo: { ...minimal.servers.demo, era } } }, { baseDir: '/x', env: {} });
    assert.equal(config.servers['demo']!.era, era);
  }
  const [issue] = issuesOf({ servers: { demo: { ...minimal.servers.demo, era: 'both' } } });
  assert.match(issue ?? '', /^servers\.demo\.era: /);
  assert.match(issue ?? '', /dual/);
  assert.deepEqual(issuesOf({ servers: { old: { url: 'http://127.0.0.1:1/sse', transport: 'sse', era: 'dual', policy: { version: '1' } } } }), [
    'servers.old.era: "dual" needs a server that speaks 2026-07-28, but transport: sse is the legacy HTTP+SSE transport',
  ]);
});
