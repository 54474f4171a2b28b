// `toolgate serve` as a real child process, driven the way an operator does: grants and audit from
// other CLI processes, validate on good and bad files, a bad config, and a SIGTERM during a burst
// of calls after which every call made is in the audit trail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuditEvent } from '../../src/audit/audit-sink.js';
import { COUNTING_SERVER, TOOLGATE_CLI } from '../helpers/paths.js';
import { runToolgate, type CliRun } from '../helpers/run-toolgate.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertDenied, call, createCallLog, writeCountingConfig, textOf, waitFor, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const toolgate = (args: readonly string[]): Promise<CliRun> => runToolgate(args);

const POLICY = { version: '1', default: 'allow', tools: { delete_everything: { action: 'deny', reason: 'never' } } };

let dir: TempDir;
let log: CallLog;
let config: string;

before(() => {
  dir = makeTempDir('serve-process');
  log = createCallLog(dir.path);
  config = writeCountingConfig(dir.path, log, POLICY, ['listen: 127.0.0.1:8420']);
});
after(() => dir.cleanup());

async function auditJson(): Promise<AuditEvent[]> {
  const run = await toolgate(['audit', '--json', '--limit', '1000', '-c', config]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as AuditEvent[];
}

describe('toolgate serve', () => {
  let server: ChildProcess;
  let serverStderr = '';
  let url = '';
  let token = '';
  let exited: Promise<number | null>;

  before(async () => {
    server = spawn(process.execPath, [TOOLGATE_CLI, 'serve', '-c', config, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
    let stdout = '';
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (serverStderr += chunk));
    const printed = await waitFor('the listening line', () => /toolgate listening on (http:\/\/\S+)\n\s+count: (\S+)\n/.exec(stdout) ?? undefined, 10_000);
    url = printed[2]!;
    assert.match(printed[1]!, /^http:\/\/127\.0\.0\.1:(?!0\b|8420\b)\d+$/, 'port 0 became a real port');
    assert.equal(url, `${printed[1]}/mcp/count`);
  });

  after(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });

  async function connect(): Promise<Client> {
    const client = new Client({ name: 'serve-process-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  }

  test('a grant created by `grants create --json` in another process works at once', async () => {
    const created = await toolgate(['grants', 'create', '--name', 'operator-made', '--servers', 'count', '--json', '-c', config]);
    assert.equal(created.code, 0, created.stderr);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    const client = await connect();
    assertAllowed(await call(client, 'count'), 'count=1');
    assertDenied(await call(client, 'delete_everything'), 'tools.delete_everything.action', 'never');
    await client.close();
  });

  test('`toolgate audit --json` shows the calls', async () => {
    const events = await waitFor('two audit events', async () => {
      const found = await auditJson();
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(events.map((event) => [event.tool, event.decision, event.upstreamStatus]), [
      ['delete_everything', 'deny', 'not_sent'],
      ['count', 'allow', 'ok'],
    ]);
  });

  test('SIGTERM during a burst: calls in flight finish, and every call is audited', async () => {
    const clients = [await connect(), await connect()];
    const slowBefore = log.count('slow');
    const calls = clients.flatMap((client) => [
      ...Array.from({ length: 4 }, () => call(client, 'slow', { ms: 300 })),
      ...Array.from({ length: 3 }, (_, i) => call(client, 'count', { i })),
    ]);
    // Every slow call has reached the server and is still running: now stop the gateway.
    await waitFor('the slow calls to reach the server', () => log.count('slow') - slowBefore === 8);
    server.kill('SIGTERM');
    const results = await Promise.allSettled(calls);
    assert.equal(await exited, 0, serverStderr);
    const slow = results.slice(0, 4).concat(results.slice(7, 11));
    for (const result of slow) {
      assert.equal(result.status, 'fulfilled', String((result as PromiseRejectedResult).reason));
      assert.equal(textOf((result as PromiseFulfilledResult<ToolResult>).value), 'slept=300');
    }
    const events = await auditJson();
    assert.equal(events.filter((event) => event.tool === 'slow').length, 8, 'every slow call is audited');
    assert.equal(events.filter((event) => event.tool === 'count').length, 1 + 6);
    assert.equal(events.length, 2 + calls.length);
    assert.equal(events.filter((event) => event.upstreamStatus === 'ok').length, log.count(), 'each call that reached the server');
  });
});

describe('toolgate validate', () => {
  test('a good file: exit 0 and ok', async () => {
    const file = join(dir.path, 'policy.json');
    const run = await toolgate(['validate', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `ok: ${file}\n`);
  });

  test('a bad file: exit 1, one line per error, each with its path', async () => {
    const file = join(dir.path, 'bad-policy.json');
    const bad = { version: 1, default: 'maybe', tools: { spend: { limt: [], limits: [{ counter: 'c', window: 'fortnight', max: -1 }] } } };
    writeFileSync(file, JSON.stringify(bad));
    const run = await toolgate(['validate', file]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    for (const path of ['version', 'default', 'tools.spend.limt', 'tools.spend.limits[0].window', 'tools.spend.limits[0].max']) {
      assert.ok(lines.some((line) => line.startsWith(`error: ${path}: `)), `${path} in:\n${run.stderr}`);
    }
    const json = await toolgate(['validate', '--json', file]);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { valid: boolean; errors: unknown[] }).errors.length, lines.length);
  });
});

describe('an invalid config', () => {
  test('exit 1 and the path of every problem; nothing listens', async () => {
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(file, ['listen: everywhere', 'colour: blue', 'servers:', '  a:', '    policy: p.json', '  b:', '    command: x', '    url: http://y', '    policy: p.json', ''].join('\n'));
    const run = await toolgate(['serve', '-c', file]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    for (const path of ['listen', 'colour', 'servers.a', 'servers.b']) assert.match(run.stderr, new RegExp(`^\\s+${path.replace('.', '\\.')}: `, 'm'), run.stderr);
  });

  test('a server whose policy is invalid: exit 1 with every policy error', async () => {
    const file = join(dir.path, 'bad-policy-config.yaml');
    writeFileSync(file, ['dataDir: data2', 'servers:', '  s:', '    command: node', '    policy: { version: "1", default: nope, tools: { x: { action: explode } } }', ''].join('\n'));
    const run = await toolgate(['serve', '-c', file, '--listen', '127.0.0.1:0']);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout, /listening/);
    assert.match(run.stderr, /server "s": invalid policy/);
    assert.match(run.stderr, /default/);
    assert.match(run.stderr, /tools\.x\.action/);
  });
});
