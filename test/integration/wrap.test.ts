// `toolgate wrap` as a desktop client runs it: the SDK's stdio client spawns the wrapper, which runs
// the real server as its child and enforces the policy; audit and counters go to --data-dir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createSqliteAuditSink } from '../../src/audit/sqlite-audit-sink.js';
import { openDatabase } from '../../src/lib/sqlite.js';
import { COUNTING_SERVER, TOOLGATE_CLI } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  assertAllowed,
  assertDenied,
  assertRateLimited,
  assertUnknownTool,
  call,
  createCallLog,
  waitFor,
  type CallLog,
} from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'allow',
  hide: ['delete_everything'],
  tools: {
    transfer: { action: 'deny', reason: 'no transfers from the desktop' },
    count: { rate_limit: '2/1h' },
  },
};

let dir: TempDir;
let log: CallLog;
let policyFile: string;
let dataDir: string;

before(() => {
  dir = makeTempDir('wrap');
  log = createCallLog(dir.path);
  policyFile = join(dir.path, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(POLICY));
  dataDir = join(dir.path, 'data');
});
after(() => dir.cleanup());

interface Wrapped {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
}

async function startWrapped(): Promise<Wrapped> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [TOOLGATE_CLI, 'wrap', '-p', policyFile, '--data-dir', dataDir, '--name', 'counting', '--', process.execPath, COUNTING_SERVER],
    env: { ...getDefaultEnvironment(), COUNTING_SERVER_LOG: log.path },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'wrap-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
  return out === '' ? [] : out.split(/\s+/).map(Number);
}

describe('toolgate wrap', () => {
  let wrapped: Wrapped;
  before(async () => {
    wrapped = await startWrapped();
  });

  test('hidden tools are absent and unknown; the server never sees them', async () => {
    const names = (await wrapped.client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('count') && names.includes('transfer'));
    assert.ok(!names.includes('delete_everything'));
    await assertUnknownTool(call(wrapped.client, 'delete_everything'));
    assert.equal(log.count('delete_everything'), 0);
  });

  test('denials come back as tool results', async () => {
    assertDenied(await call(wrapped.client, 'transfer', { amount: 5, to: 'bob' }), 'tools.transfer.action', 'no transfers from the desktop');
    assert.equal(log.count('transfer'), 0);
    assertAllowed(await call(wrapped.client, 'echo', { text: 'hi' }), '{"text":"hi"}');
  });

  test('limits are enforced', async () => {
    assertAllowed(await call(wrapped.client, 'count'), 'count=1');
    assertAllowed(await call(wrapped.client, 'count'), 'count=2');
    assertRateLimited(await call(wrapped.client, 'count'), 'tools.count.rate_limit');
    assert.equal(log.count('count'), 2);
  });

  test('an edited policy file applies without restarting the wrapper; a hide change is announced', async () => {
    let listChanged = 0;
    wrapped.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1));
    const edited = { ...POLICY, hide: [...POLICY.hide, 'stats'], tools: { ...POLICY.tools, echo: { action: 'deny', reason: 'echo is off now' } } };
    writeFileSync(policyFile, JSON.stringify(edited));
    const denied = await waitFor('echo to be denied by the edited policy', async () => {
      const result = await call(wrapped.client, 'echo', { text: 'probe' });
      return result.isError === true ? result : undefined;
    });
    assertDenied(denied, 'tools.echo.action', 'echo is off now');
    await waitFor('notifications/tools/list_changed', () => listChanged === 1);
    assert.ok(!(await wrapped.client.listTools()).tools.some((tool) => tool.name === 'stats'));
    writeFileSync(policyFile, JSON.stringify(POLICY));
    await waitFor('echo to be allowed again', async () => (await call(wrapped.client, 'echo', { text: 'probe' })).isError !== true);
    await waitFor('a second list_changed', () => listChanged === 2);
  });

  test('the wrapper and its server exit when the client closes stdin', async () => {
    const pid = wrapped.transport.pid!;
    const server = childrenOf(pid);
    assert.equal(server.length, 1, 'the wrapper runs the server as its child');
    const started = Date.now();
    await wrapped.client.close();
    // The SDK waits 2 s for the process to exit by itself before it sends SIGTERM.
    assert.ok(Date.now() - started < 1_900, `the wrapper took ${Date.now() - started} ms to exit: ${wrapped.stderr()}`);
    assert.equal(isRunning(pid), false);
    await waitFor('the wrapped server to exit', () => !isRunning(server[0]!));
  });

  test('the audit is in the data dir: one event per call, as the local grant', () => {
    const db = openDatabase(dataDir);
    try {
      const all = createSqliteAuditSink({ db }).query({ limit: 10_000 }).reverse();
      const events = all.slice(0, 6);
      assert.deepEqual(events.map((event) => [event.server, event.grantId, event.tool, event.decision, event.upstreamStatus]), [
        ['counting', 'local', 'delete_everything', 'deny', 'not_sent'],
        ['counting', 'local', 'transfer', 'deny', 'not_sent'],
        ['counting', 'local', 'echo', 'allow', 'ok'],
        ['counting', 'local', 'count', 'allow', 'ok'],
        ['counting', 'local', 'count', 'allow', 'ok'],
        ['counting', 'local', 'count', 'rate_limited', 'not_sent'],
      ]);
      // Then the reload probes: echo allowed until the edit applied, denied, allowed again.
      const probes = all.slice(6).map((event) => event.decision).join(' ');
      assert.match(probes, /^(allow )*deny (deny )*(allow ?)+$/);
      assert.equal(all.filter((event) => event.tool === 'echo' && event.decision === 'allow').length, log.count('echo'));
    } finally {
      db.close();
    }
  });
});

describe('toolgate wrap, started again on the same data dir', () => {
  test('counters carry over: the spent budget stays spent', async () => {
    const wrapped = await startWrapped();
    try {
      assertRateLimited(await call(wrapped.client, 'count'), 'tools.count.rate_limit');
      assert.equal(log.count('count'), 2);
    } finally {
      await wrapped.client.close();
    }
  });

  test('when the server dies, the call fails and the wrapper restarts it: later calls work', async () => {
    const wrapped = await startWrapped();
    await assert.rejects(call(wrapped.client, 'crash'));
    assert.equal(log.count('crash'), 1);
    // The same client, on a restarted server (its own count starts again).
    assertAllowed(await call(wrapped.client, 'echo', { text: 'again' }), JSON.stringify({ text: 'again' }));
    assert.ok(isRunning(wrapped.transport.pid!));
    await wrapped.client.close();
  });
});

describe('toolgate wrap stopped by a signal', () => {
  test('SIGTERM right after some calls: the wrapper exits and every call is in the audit', async () => {
    const signalDir = join(dir.path, 'signal-data');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [TOOLGATE_CLI, 'wrap', '-p', policyFile, '--data-dir', signalDir, '--name', 'signalled', '--', process.execPath, COUNTING_SERVER],
      env: { ...getDefaultEnvironment(), COUNTING_SERVER_LOG: log.path },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'wrap-signal-test', version: '1.0.0' });
    await client.connect(transport);
    for (const text of ['a', 'b', 'c']) assertAllowed(await call(client, 'echo', { text }), JSON.stringify({ text }));
    const pid = transport.pid!;
    process.kill(pid, 'SIGTERM');
    await waitFor('the wrapper to exit after SIGTERM', () => !isRunning(pid));
    await client.close().catch(() => undefined);
    const db = openDatabase(signalDir);
    try {
      const events = createSqliteAuditSink({ db }).query({ server: 'signalled', limit: 100 });
      assert.equal(events.filter((event) => event.tool === 'echo' && event.decision === 'allow').length, 3);
    } finally {
      db.close();
    }
  });
});
