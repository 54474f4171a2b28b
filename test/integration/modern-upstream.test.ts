// 2026-07-28-only upstreams (SDK 2.x `legacy: 'reject'`, which refuse `initialize`) through the
// gateway, over Streamable HTTP and over stdio: the gateway detects the era with `server/discover`
// and speaks modern upstream, so an SDK 1.x client (legacy) and an SDK 2.x client (modern) both
// list, call, read and get prompts; a denied call never reaches the server (it counts its calls).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as ModernClient } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectModernThroughGateway } from '../helpers/mcp-clients.js';
import { MODERN_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { createCallLog, textOf, type CallLog } from '../helpers/tool-calls.js';

interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  isError?: boolean;
}

const POLICY = { version: '1', default: 'allow', hide: ['stats'], tools: { transfer: { action: 'deny', reason: 'no transfers through the gateway' } } };

for (const transport of ['http', 'stdio'] as const) {
  describe(`a modern-only server over ${transport}`, () => {
    let dir: TempDir;
    let log: CallLog;
    let upstream: HttpFixture | undefined;
    let gateway: TestGateway;
    let legacy: Client;
    let modern: ModernClient;

    before(async () => {
      dir = makeTempDir(`modern-upstream-${transport}`);
      log = createCallLog(dir.path);
      const env = { COUNTING_SERVER_LOG: log.path };
      let server: Record<string, unknown>;
      if (transport === 'http') {
        upstream = await startHttpFixture(process.execPath, [MODERN_SERVER, '--modern-only', '--http', '0'], env);
        server = { url: upstream.url, policy: POLICY };
      } else {
        server = { command: process.execPath, args: [MODERN_SERVER, '--modern-only'], env, policy: POLICY };
      }
      gateway = await startTestGateway({ servers: { modern: server }, store: 'memory' });
      legacy = await gateway.connect('modern', gateway.token(['modern']));
      modern = await connectModernThroughGateway(gateway.url, 'modern', gateway.token(['modern']));
    });
    after(async () => {
      await legacy?.close();
      await modern?.close();
      await gateway?.stop();
      await upstream?.stop();
      dir?.cleanup();
    });

    test('an SDK 1.x client initializes against the discover result, lists and calls', async () => {
      assert.deepEqual(legacy.getServerVersion(), { name: 'modern-server', version: '2.4.0' });
      assert.equal(legacy.getInstructions(), 'A test server on SDK 2.x.');
      const names = (await legacy.listTools()).tools.map((tool) => tool.name).sort();
      assert.deepEqual(names, ['count', 'echo', 'transfer']);
      assert.equal(textOf(await legacy.callTool({ name: 'echo', arguments: { text: 'über legacy' } })), 'echo: über legacy');
      const denied = await legacy.callTool({ name: 'transfer', arguments: { amount: 5, to: 'mallory' } });
      assert.deepEqual([(denied as ToolResult).isError, textOf(denied)], [true, '[POLICY DENIED] no transfers through the gateway']);
      await legacy.ping();
      await legacy.setLoggingLevel('info');
    });

    test('an SDK 1.x client reads resources and gets prompts', async () => {
      const read = await legacy.readResource({ uri: 'modern://notes/1' });
      assert.equal((read.contents[0] as { text?: string }).text, 'note one');
      assert.deepEqual((await legacy.listResources()).resources.map((resource) => resource.uri), ['modern://notes/1']);
      const prompt = await legacy.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Hello, Ada!' });
      // Mcp-Name goes up Base64-encoded: the server compares it with the body and would refuse it.
      const chinese = await legacy.getPrompt({ name: '问候' });
      assert.deepEqual(chinese.messages[0]?.content, { type: 'text', text: '你好!' });
    });

    test('an SDK 2.x client discovers, lists, calls, reads and gets prompts', async () => {
      assert.equal(modern.getNegotiatedProtocolVersion(), '2026-07-28');
      assert.deepEqual(modern.getServerVersion(), { name: 'modern-server', version: '2.4.0' });
      const names = (await modern.listTools()).tools.map((tool) => tool.name).sort();
      assert.deepEqual(names, ['count', 'echo', 'transfer']);
      assert.equal(textOf(await modern.callTool({ name: 'echo', arguments: { text: 'modern' } })), 'echo: modern');
      const denied = await modern.callTool({ name: 'transfer', arguments: { amount: 7, to: 'mallory' } });
      assert.deepEqual([(denied as ToolResult).isError, textOf(denied)], [true, '[POLICY DENIED] no transfers through the gateway']);
      const read = await modern.readResource({ uri: 'modern://notes/1' });
      assert.equal((read.contents[0] as { text?: string }).text, 'note one');
      const prompt = await modern.getPrompt({ name: 'greet', arguments: { name: 'Grace' } });
      assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Hello, Grace!' });
    });

    test('denied calls never reached the server; allowed ones did', () => {
      assert.equal(log.count('transfer'), 0);
      assert.equal(log.count('echo'), 2);
    });
  });
}

describe('era: legacy keeps the old behaviour: a modern-only server refuses initialize', () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway({ servers: { modern: { command: process.execPath, args: [MODERN_SERVER, '--modern-only'], era: 'legacy', policy: POLICY } }, store: 'memory' });
  });
  after(async () => {
    await gateway?.stop();
  });

  test('the SDK 1.x client cannot connect', async () => {
    await assert.rejects(gateway.connect('modern', gateway.token(['modern'])));
  });
});
