// `toolgate grants …` and `toolgate audit …` against a real config and data directory, run through
// the same commander wiring as the bin (in-process, see test/helpers/cli-harness.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/audit-sink.js';
import { createSqliteAuditSink } from '../../src/audit/sqlite-audit-sink.js';
import { createSqliteGrantStore } from '../../src/grants/sqlite-grant-store.js';
import { sha256Hex } from '../../src/lib/hash.js';
import { openDatabase } from '../../src/lib/sqlite.js';
import { runCli } from '../helpers/cli-harness.js';

const CONFIG = `
dataDir: data
servers:
  mlflow:
    command: node
    args: [mlflow-server.js]
    policy: { version: "1", default: allow }
  github:
    url: https://mcp.example.com/mcp
    policy: { version: "1", default: deny }
`;

let dir = '';
let config = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolgate-cli-'));
  config = join(dir, 'toolgate.yaml');
  writeFileSync(config, CONFIG);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte of the data directory (database, WAL and shared-memory files) as one string. */
function dataBytes(): string {
  const dataDir = join(dir, 'data');
  return readdirSync(dataDir).map((file) => readFileSync(join(dataDir, file)).toString('latin1')).join('\n');
}

function tokenFrom(stdout: string): string {
  const match = /tg_[A-Za-z0-9_-]{43}/.exec(stdout);
  assert.ok(match, `no token in: ${stdout}`);
  return match[0];
}

describe('toolgate grants', () => {
  test('create prints the token once, and only its hash reaches the data directory', async () => {
    const result = await runCli(['grants', 'create', '--name', 'ci-agent', '--servers', 'mlflow,github', '-c', config]);
    assert.equal(result.exitCode, 0, result.stderr);
    const token = tokenFrom(result.stdout);
    assert.match(result.stdout, /will not be shown again/);
    assert.match(result.stdout, /grt_\S+ "ci-agent" for servers mlflow, github/);
    const bytes = dataBytes();
    assert.ok(bytes.includes(sha256Hex(token)), 'the hash is stored');
    assert.ok(!bytes.includes(token.slice(3)), 'the token must not be stored');
  });

  test('create --json prints {id, name, token, servers}; the token works until revoked', async () => {
    const result = await runCli(['grants', 'create', '--name', 'json-agent', '--servers', '*', '--json', '-c', config]);
    assert.equal(result.exitCode, 0, result.stderr);
    const created = JSON.parse(result.stdout) as { id: string; name: string; token: string; servers: string[] };
    assert.deepEqual(Object.keys(created).sort(), ['id', 'name', 'servers', 'token']);
    assert.deepEqual([created.name, created.servers], ['json-agent', ['*']]);
    const db = openDatabase(join(dir, 'data'));
    try {
      const store = createSqliteGrantStore({ db });
      assert.equal(store.authenticate(created.token)?.id, created.id);
      const revoked = await runCli(['grants', 'revoke', created.id, '-c', config]);
      assert.equal(revoked.exitCode, 0, revoked.stderr);
      assert.match(revoked.stdout, /Revoked grant grt_\S+ "json-agent"/);
      assert.equal(store.authenticate(created.token), undefined, 'a running gateway sees the revoke at once');
    } finally {
      db.close();
    }
  });

  test('list shows every grant and never a token or hash', async () => {
    const created = await runCli(['grants', 'create', '--name', 'lister', '--servers', 'github', '-c', config]);
    const token = tokenFrom(created.stdout);
    const table = await runCli(['grants', 'list', '-c', config]);
    assert.equal(table.exitCode, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+NAME\s+SERVERS\s+CREATED\s+REVOKED$/);
    assert.match(table.stdout, /grt_\S+\s+lister\s+github\s+\d{4}-\d\d-\d\dT\S+Z\s+-\n/);
    assert.match(table.stdout, /json-agent\s+\*\s+\S+Z\s+\d{4}-\S+Z/, 'a revoked grant shows when');
    const json = await runCli(['grants', 'list', '--json', '-c', config]);
    const grants = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.ok(grants.some((grant) => grant['name'] === 'lister'));
    for (const output of [table.stdout, json.stdout]) {
      assert.ok(!output.includes(token.slice(3)) && !output.includes(sha256Hex(token)));
    }
    for (const grant of grants) assert.deepEqual(Object.keys(grant).filter((key) => /token|hash/i.test(key)), []);
  });

  test('revoke by name; again is harmless; an unknown name is an error', async () => {
    const created = await runCli(['grants', 'create', '--name', 'short-lived', '--servers', 'mlflow', '-c', config]);
    assert.equal(created.exitCode, 0, created.stderr);
    const first = await runCli(['grants', 'revoke', 'short-lived', '-c', config]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, /Revoked grant .*"short-lived"/);
    const second = await runCli(['grants', 'revoke', 'short-lived', '-c', config]);
    assert.equal(second.exitCode, 0, second.stderr);
    assert.match(second.stdout, /already revoked at \d{4}-/);
    const unknown = await runCli(['grants', 'revoke', 'no-such-grant', '-c', config]);
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /^error: no grant with id or name "no-such-grant"/);
  });

  test('a server missing from the config is rejected and nothing is created', async () => {
    const result = await runCli(['grants', 'create', '--name', 'typo', '--servers', 'mlflow,gihtub', '-c', config]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /unknown server "gihtub": the config defines mlflow, github/);
    const list = await runCli(['grants', 'list', '--json', '-c', config]);
    assert.ok(!list.stdout.includes('"typo"'));
  });

  test('a duplicate live name is refused with a clear message', async () => {
    await runCli(['grants', 'create', '--name', 'twice', '--servers', 'mlflow', '-c', config]);
    const again = await runCli(['grants', 'create', '--name', 'twice', '--servers', 'mlflow', '-c', config]);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /a live grant named "twice" already exists/);
  });

  test('-c defaults to toolgate.yaml in the working directory; a bad config is a message, not a stack', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const list = await runCli(['grants', 'list']);
      assert.equal(list.exitCode, 0, list.stderr);
      assert.match(list.stdout, /lister/);
    } finally {
      process.chdir(cwd);
    }
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, 'servers: {}\nlisten: nowhere\n');
    for (const args of [['grants', 'list', '-c', badFile], ['grants', 'list', '-c', join(dir, 'missing.yaml')], ['audit', '-c', badFile]]) {
      const result = await runCli(args);
      assert.equal(result.exitCode, 1, args.join(' '));
      assert.match(result.stderr, /^error: invalid config /);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    const bad = await runCli(['grants', 'list', '-c', badFile]);
    assert.match(bad.stderr, /servers: must name at least one server/);
    assert.match(bad.stderr, /listen: must be "host:port"/);
  });

  test('create without --servers is refused', async () => {
    const result = await runCli(['grants', 'create', '--name', 'x', '-c', config]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /--servers/);
  });
});

describe('toolgate audit', () => {
  const now = Date.now();
  const hour = 3_600_000;
  let grantId = '';
  let events: AuditEvent[] = [];

  before(async () => {
    const created = await runCli(['grants', 'create', '--name', 'auditor', '--servers', '*', '--json', '-c', config]);
    grantId = (JSON.parse(created.stdout) as { id: string }).id;
    const base = { grantId, argKeys: ['name'], argHash: sha256Hex('{}'), rule: 'default' };
    events = [
      { ...base, time: now - 3 * hour, server: 'mlflow', tool: 'get_model_versions', decision: 'allow', upstreamStatus: 'ok', latencyMs: 12 },
      { ...base, time: now - 2 * hour, server: 'github', tool: 'delete_repo', decision: 'deny', reason: 'destructive', upstreamStatus: 'not_sent', rule: 'tools.delete_repo' },
      { ...base, time: now - 60_000, server: 'mlflow', tool: 'transition_stage', decision: 'rate_limited', grantId: 'grt_other', upstreamStatus: 'not_sent', rule: 'limits[0]' },
      { ...base, time: now - 1000, server: 'mlflow', tool: 'evil\u001b[2Jtool', decision: 'approval', reason: 'needs a human\nfake line', upstreamStatus: 'not_sent', sessionId: 's1' },
    ];
    const db = openDatabase(join(dir, 'data'));
    const sink = createSqliteAuditSink({ db });
    for (const event of events) sink.record(event);
    await sink.close();
    db.close();
  });

  async function auditJson(...args: string[]): Promise<AuditEvent[]> {
    const result = await runCli(['audit', '-c', config, '--json', ...args]);
    assert.equal(result.exitCode, 0, result.stderr);
    return JSON.parse(result.stdout) as AuditEvent[];
  }

  test('--json prints every event, newest first, exactly as recorded', async () => {
    assert.deepEqual(await auditJson(), [...events].reverse());
  });

  test('filters by server, tool, decision, grant id or name, since and limit', async () => {
    const tools = async (...args: string[]) => (await auditJson(...args)).map((event) => event.tool);
    assert.deepEqual(await tools('--server', 'github'), ['delete_repo']);
    assert.deepEqual(await tools('--tool', 'get_model_versions'), ['get_model_versions']);
    assert.deepEqual(await tools('--decision', 'rate_limited'), ['transition_stage']);
    assert.deepEqual(await tools('--grant', 'grt_other'), ['transition_stage']);
    assert.deepEqual(await tools('--grant', 'auditor', '--server', 'mlflow'), ['evil\u001b[2Jtool', 'get_model_versions']);
    assert.deepEqual(await tools('--grant', grantId, '--decision', 'deny'), ['delete_repo']);
    assert.deepEqual(await tools('--since', '10m'), ['evil\u001b[2Jtool', 'transition_stage']);
    assert.deepEqual(await tools('--since', new Date(now - 2.5 * hour).toISOString(), '--limit', '2'), ['evil\u001b[2Jtool', 'transition_stage']);
    assert.deepEqual(await tools('--server', 'nowhere'), []);
  });

  test('the table has one aligned line per event, with escapes from agents made visible', async () => {
    const result = await runCli(['audit', '-c', config]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1 + events.length);
    const header = lines[0] ?? '';
    assert.match(header, /^TIME\s+DECISION\s+SERVER\s+TOOL\s+GRANT\s+RULE\s+STATUS\s+LATENCY\s+REASON$/);
    const deny = lines.find((line) => line.includes('delete_repo')) ?? '';
    for (const [column, value] of [['DECISION', 'deny'], ['SERVER', 'github'], ['TOOL', 'delete_repo'], ['GRANT', grantId], ['RULE', 'tools.delete_repo'], ['STATUS', 'not_sent'], ['REASON', 'destructive']] as const) {
      assert.equal(deny.indexOf(value, header.indexOf(column)), header.indexOf(column), `${column} column`);
    }
    assert.ok(deny.startsWith(new Date(events[1]!.time).toISOString()));
    assert.match(lines.find((line) => line.includes('get_model_versions')) ?? '', /\s12ms(\s|$)/);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw escape reaches the terminal');
    assert.ok(result.stdout.includes('evil\\u001b[2Jtool') && result.stdout.includes('needs a human\\u000afake line'));
  });

  test('every flag is validated', async () => {
    const cases: [string[], RegExp][] = [
      [['--decision', 'allowed'], /--decision.*Allowed choices are allow, deny, rate_limited, approval/],
      [['--since', 'yesterday'], /--since.*duration ago like "10m"/],
      [['--since', '2026-11-21T10:00:00'], /--since.*with a zone/],
      [['--since', '2026-02-30'], /--since/],
      [['--limit', '0'], /--limit.*1 or more/],
      [['--limit', 'ten'], /--limit/],
      [['--colour'], /unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['audit', '-c', config, ...args]);
      assert.equal(result.exitCode, 1, args.join(' '));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });

  test('no match is said plainly, and is an empty array in JSON', async () => {
    const table = await runCli(['audit', '-c', config, '--tool', 'never_called']);
    assert.equal(table.stdout, 'No audit events match.\n');
    assert.deepEqual(await auditJson('--tool', 'never_called'), []);
  });
});
