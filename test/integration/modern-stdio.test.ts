// 2026-07-28 clients over stdio to `toolgate wrap`: the SDK 2.x client (pinned, and probing with
// `auto`) gets discover, the filtered tool list and policy decisions with no initialize, in front of
// the counting server and of an SDK 2.x dual-era server; raw lines show the connection stays modern
// once opened that way (no headers to check on stdio, but the envelope is still required).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createSqliteAuditSink } from '../../src/audit/sqlite-audit-sink.js';
import { openDatabase } from '../../src/lib/sqlite.js';
import { connectModernStdio, MODERN_ENVELOPE, type ModernMode } from '../helpers/mcp-clients.js';
import { COUNTING_SERVER, MODERN_SERVER, TOOLGATE_CLI } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { createCallLog, decisionOf, textOf, type CallLog } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'allow',
  hide: ['delete_everything'],
  tools: { transfer: { action: 'deny', reason: 'no transfers from the desktop' }, count: { rate_limit: '1/1h' } },
};

let dir: TempDir;
let log: CallLog;
let policyFile: string;

before(() => {
  dir = makeTempDir('modern-stdio');
  log = createCallLog(dir.path);
  policyFile = join(dir.path, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(POLICY));
});
after(() => dir.cleanup());

function wrapArgs(dataDir: string): string[] {
  return [TOOLGATE_CLI, 'wrap', '-p', policyFile, '--data-dir', dataDir, '--name', 'counting', '--', process.execPath, COUNTING_SERVER];
}

for (const mode of ['pin', 'auto'] as ModernMode[]) {
  describe(`toolgate wrap with an SDK 2.x client (${mode})`, () => {
    const dataDir = (): string => join(dir.path, `data-${mode}`);

    test('discover, tools/list and policy decisions without initialize', async () => {
      const { client, stderr } = await connectModernStdio(process.execPath, wrapArgs(dataDir()), { COUNTING_SERVER_LOG: log.path }, mode);
      try {
        assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28', stderr());
        assert.deepEqual(client.getServerVersion(), { name: 'counting-server', version: '0.1.0' });
        assert.deepEqual(client.getDiscoverResult()?.capabilities, { tools: {} });
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        assert.ok(names.includes('echo') && !names.includes('delete_everything'));

        const before = { echo: log.count('echo'), transfer: log.count('transfer'), count: log.count('count') };
        assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: mode } })), JSON.stringify({ text: mode }));
        const denied = await client.callTool({ name: 'transfer', arguments: { amount: 1, to: 'x' } });
        assert.deepEqual([textOf(denied), decisionOf(denied)], ['[POLICY DENIED] no transfers from the desktop', 'deny']);
        assert.match(textOf(await client.callTool({ name: 'count', arguments: {} })), /^count=\d+$/);
        assert.equal(decisionOf(await client.callTool({ name: 'count', arguments: {} })), 'rate_limited');
        await assert.rejects(client.callTool({ name: 'delete_everything', arguments: {} }), (error: { code?: number }) => error.code === -32602);
        assert.deepEqual([log.count('echo'), log.count('transfer'), log.count('count'), log.count('delete_everything')], [before.echo + 1, before.transfer, before.count + 1, 0]);
      } finally {
        await client.close();
      }
      const db = openDatabase(dataDir());
      try {
        const events = createSqliteAuditSink({ db }).query({ limit: 100 }).reverse();
        assert.deepEqual(events.map((event) => [event.grantId, event.tool, event.decision]), [
          ['local', 'echo', 'allow'],
          ['local', 'transfer', 'deny'],
          ['local', 'count', 'allow'],
          ['local', 'count', 'rate_limited'],
          ['local', 'delete_everything', 'deny'],
        ]);
      } finally {
        db.close();
      }
    });
  });
}

describe('toolgate wrap around an SDK 2.x dual-era server (stdio), with a 2026-07-28 client', () => {
  test('toolgate initializes the server itself; calls, resources and prompts pass; a denied call never runs', async () => {
    const modernLog = createCallLog(dir.path, 'modern-calls.log');
    const args = [TOOLGATE_CLI, 'wrap', '-p', policyFile, '--data-dir', join(dir.path, 'data-2x'), '--name', 'modern', '--', process.execPath, MODERN_SERVER];
    const { client, stderr } = await connectModernStdio(process.execPath, args, { COUNTING_SERVER_LOG: modernLog.path });
    try {
      assert.deepEqual(client.getServerVersion(), { name: 'modern-server', version: '2.4.0' }, stderr());
      assert.equal(client.getDiscoverResult()?.instructions, 'A test server on SDK 2.x.');
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'via wrap' } })), 'echo: via wrap');
      assert.equal(decisionOf(await client.callTool({ name: 'transfer', arguments: { amount: 3, to: 'x' } })), 'deny');
      const read = await client.readResource({ uri: 'modern://notes/1' });
      assert.equal((read.contents[0] as { text?: string }).text, 'note one');
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Grace' } });
      assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Hello, Grace!' });
      assert.deepEqual([modernLog.count('echo'), modernLog.count('transfer')], [1, 0]);
    } finally {
      await client.close();
    }
  });
});

/** `toolgate wrap` spoken to line by line. */
class RawWrap {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly answers = new Map<number | string, (message: Record<string, unknown>) => void>();
  readonly seen: Array<Record<string, unknown>> = [];

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, wrapArgs(dataDir), { env: { ...process.env, COUNTING_SERVER_LOG: log.path } });
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as Record<string, unknown>;
      this.seen.push(message);
      this.answers.get(message['id'] as number)?.(message);
    });
  }

  request(id: number, method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answered = new Promise<Record<string, unknown>>((resolve) => this.answers.set(id, resolve));
    this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return answered;
  }

  send(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}

describe('toolgate wrap, raw 2026-07-28 lines', () => {
  let wrap: RawWrap;
  const meta = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ _meta: { ...MODERN_ENVELOPE, ...extra } });

  before(() => {
    wrap = new RawWrap(join(dir.path, 'data-raw'));
  });
  after(async () => {
    await wrap.close();
  });

  test('an enveloped first request opens the connection modern; the envelope stays required', async () => {
    const list = await wrap.request(1, 'tools/list', meta());
    const result = list['result'] as Record<string, unknown>;
    assert.deepEqual([result['resultType'], result['ttlMs'], result['cacheScope']], ['complete', 0, 'private']);
    const bare = (await wrap.request(2, 'tools/list'))['error'] as { code: number; message: string };
    assert.equal(bare.code, -32602);
    assert.match(bare.message, /protocolVersion"\] is required/);
    const future = (await wrap.request(3, 'tools/list', meta({ 'io.modelcontextprotocol/protocolVersion': '2099-01-01' })))['error'] as { code: number; data: unknown };
    assert.deepEqual([future.code, (future.data as { requested?: string }).requested], [-32022, '2099-01-01']);
    const initialize = (await wrap.request(4, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'late', version: '1' } }))['error'] as { code: number };
    assert.equal(initialize.code, -32601, 'after a modern opening, initialize is a removed method');
  });

  test('notifications/cancelled ends a call in flight; the connection goes on', async () => {
    // Read before sending: the server can count the call before this process reads the log again.
    const started = log.count('slow');
    const slow = wrap.request(10, 'tools/call', { name: 'slow', arguments: { ms: 60_000 }, ...meta() });
    // The cancel goes once the call has reached the server (it is counted there before it sleeps).
    for (let i = 0; i < 200 && log.count('slow') === started; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(log.count('slow'), started + 1, 'the slow call reached the server');
    wrap.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 10, reason: 'changed my mind', ...meta() } });
    const answer = await slow;
    assert.ok('error' in answer, JSON.stringify(answer));
    const echo = await wrap.request(11, 'tools/call', { name: 'echo', arguments: { text: 'after' }, ...meta() });
    assert.equal(((echo['result'] as { content: Array<{ text: string }> }).content[0]!.text), JSON.stringify({ text: 'after' }));
  });
});
