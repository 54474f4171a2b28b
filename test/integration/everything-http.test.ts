// SDK client → toolgate → server-everything over HTTP: the Streamable HTTP upstream (tools, progress,
// sampling, policy), one upstream session per client session, and the legacy HTTP+SSE upstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ListRootsRequestSchema, ResourceUpdatedNotificationSchema, type CallToolResult, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectThroughGateway, type ClientSetup } from '../helpers/mcp-clients.js';
import { EVERYTHING_SERVER } from '../helpers/paths.js';
import { startEverythingHttp, startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const POLICY = { version: '1', default: 'allow', hide: ['get-env'], tools: { 'get-tiny-image': { action: 'deny', reason: 'no images' } } };

function texts(result: unknown): string {
  return (result as CallToolResult).content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');
}

/** A client whose roots name it, so a server-side roots/list shows which client answered. */
function rootedClient(label: string): ClientSetup {
  return {
    name: label,
    capabilities: { sampling: {}, roots: {} },
    setup: (client) => {
      client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: `file:///clients/${label}`, name: label }] }));
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({ model: `model-of-${label}`, role: 'assistant', content: { type: 'text', text: `answer from ${label}` } }));
    },
  };
}

/** The upstream session id server-everything reports (toggle-simulated-logging names it), toggled back off. */
async function upstreamSessionOf(client: Client): Promise<string> {
  const started = texts(await client.callTool({ name: 'toggle-simulated-logging', arguments: {} }));
  await client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
  const match = /for session (\S+)/.exec(started);
  assert.ok(match, started);
  return match[1]!;
}

/** Whether server-everything still knows an MCP session (it answers 400 for one it has dropped). */
async function upstreamKnows(fixture: HttpFixture, sessionId: string): Promise<boolean> {
  const response = await fetch(fixture.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  await response.body?.cancel();
  return response.status === 200;
}

describe('server-everything over Streamable HTTP, through the gateway', () => {
  let fixture: HttpFixture;
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    fixture = await startEverythingHttp();
    gateway = await startTestGateway({ servers: { everything: { url: fixture.url, transport: 'streamable-http', policy: POLICY } }, store: 'memory' });
    token = gateway.token(['everything']);
  });
  after(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  test('initialize, tools/list, calls, a denial and a hidden tool', async () => {
    const client = await connectThroughGateway(gateway.url, 'everything', token);
    try {
      assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
      assert.deepEqual(client.getServerCapabilities()?.resources, { subscribe: true, listChanged: true });
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      assert.ok(names.includes('echo') && names.includes('get-tiny-image'));
      assert.ok(!names.includes('get-env'));
      assert.equal(texts(await client.callTool({ name: 'echo', arguments: { message: 'over http' } })), 'Echo: over http');
      const denied = (await client.callTool({ name: 'get-tiny-image', arguments: {} })) as CallToolResult;
      assert.deepEqual([denied.isError, texts(denied)], [true, '[POLICY DENIED] no images']);
      await assert.rejects(client.callTool({ name: 'get-env', arguments: {} }), (error: { code?: number }) => error.code === -32602);
      const read = await client.readResource({ uri: 'demo://resource/dynamic/text/3' });
      assert.match((read.contents[0] as { text?: string }).text ?? '', /^Resource 3:/);
    } finally {
      await client.close();
    }
  });

  test('progress and sampling cross an HTTP upstream', async () => {
    const client = await connectThroughGateway(gateway.url, 'everything', token, rootedClient('sampler'));
    try {
      const progress: Progress[] = [];
      await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, undefined, { onprogress: (p) => progress.push(p) });
      assert.deepEqual(progress.map((p) => p.progress), [1, 2]);
      const sampled = texts(await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 5 } }));
      assert.match(sampled, /model-of-sampler/);
      assert.match(sampled, /answer from sampler/);
    } finally {
      await client.close();
    }
  });

  test('a notification the server sends outside any request (on its GET event stream) reaches the client', async () => {
    const client = await connectThroughGateway(gateway.url, 'everything', token);
    try {
      const uri = 'demo://resource/static/document/architecture.md';
      const updated = new Promise<string>((resolve) => {
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => resolve(notification.params.uri));
      });
      await client.subscribeResource({ uri });
      // The first update is sent at once, tied to no request: only the upstream GET stream carries it.
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no notification within 4 s'), 4_000)));
      assert.equal(await Promise.race([updated, timeout]), uri);
      clearTimeout(timer);
      await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    } finally {
      await client.close();
    }
  });

  test('two concurrent client sessions get independent upstream sessions', async () => {
    const [alice, bob] = await Promise.all([
      connectThroughGateway(gateway.url, 'everything', token, rootedClient('alice')),
      connectThroughGateway(gateway.url, 'everything', gateway.token(['everything']), rootedClient('bob')),
    ]);
    try {
      const [aliceSession, bobSession] = await Promise.all([upstreamSessionOf(alice), upstreamSessionOf(bob)]);
      assert.notEqual(aliceSession, bobSession);
      // Each server-side roots/list reaches the client whose session asked, concurrently.
      const [aliceRoots, bobRoots] = await Promise.all([
        alice.callTool({ name: 'get-roots-list', arguments: {} }),
        bob.callTool({ name: 'get-roots-list', arguments: {} }),
      ]);
      assert.match(texts(aliceRoots), /file:\/\/\/clients\/alice/);
      assert.doesNotMatch(texts(aliceRoots), /bob/);
      assert.match(texts(bobRoots), /file:\/\/\/clients\/bob/);
      const echoes = await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? bob : alice).callTool({ name: 'echo', arguments: { message: `m${i}` } })));
      assert.deepEqual(echoes.map(texts), ['Echo: m0', 'Echo: m1', 'Echo: m2', 'Echo: m3']);

      // Ending a client session ends its upstream session, and only that one.
      assert.ok(await upstreamKnows(fixture, aliceSession));
      await (alice.transport as StreamableHTTPClientTransport).terminateSession();
      const deadline = Date.now() + 3_000;
      while ((await upstreamKnows(fixture, aliceSession)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await upstreamKnows(fixture, aliceSession), false, 'the upstream session of an ended client session is closed');
      assert.equal(await upstreamKnows(fixture, bobSession), true);
      assert.equal(texts(await bob.callTool({ name: 'echo', arguments: { message: 'still here' } })), 'Echo: still here');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});

describe('server-everything over legacy HTTP+SSE, through the gateway', () => {
  let fixture: HttpFixture;
  let gateway: TestGateway;

  before(async () => {
    fixture = await startHttpFixture(process.execPath, [EVERYTHING_SERVER, 'sse'], {}, {
      choosePort: true,
      portEnv: 'PORT',
      readyPattern: /running on port (\d+)/,
      urlForPort: (port) => `http://127.0.0.1:${port}/sse`,
    });
    gateway = await startTestGateway({
      servers: {
        legacy: { url: fixture.url, transport: 'sse', policy: POLICY },
        detected: { url: fixture.url, policy: POLICY },
      },
      store: 'memory',
    });
  });
  after(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  for (const server of ['legacy', 'detected']) {
    test(`${server === 'legacy' ? 'transport: sse' : 'transport: auto falls back to HTTP+SSE'}: list, call, progress, policy`, async () => {
      const client = await connectThroughGateway(gateway.url, server, gateway.token([server]));
      try {
        assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        assert.ok(names.includes('get-sum') && !names.includes('get-env'));
        assert.equal(texts(await client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })), 'The sum of 1 and 2 is 3.');
        const progress: Progress[] = [];
        await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, undefined, { onprogress: (p) => progress.push(p) });
        assert.deepEqual(progress.map((p) => p.progress), [1, 2]);
        const denied = (await client.callTool({ name: 'get-tiny-image', arguments: {} })) as CallToolResult;
        assert.equal(texts(denied), '[POLICY DENIED] no images');
      } finally {
        await client.close();
      }
    });
  }
});
