// 2026-07-28 (stateless) clients through the gateway over HTTP: the SDK 2.x client in modern mode in
// front of a legacy stdio server (server-everything) and of an SDK 2.x dual-era server over HTTP;
// raw POSTs whose headers disagree with the body are refused and never reach a counting upstream;
// legacy clients (2.x in legacy mode, 1.x) keep working on the same endpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as ModernClient } from '@modelcontextprotocol/client';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectModernThroughGateway, MODERN_ENVELOPE, postModern } from '../helpers/mcp-clients.js';
import { EVERYTHING_SERVER, LEGACY_RESOURCES_SERVER, MODERN_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { countingServer, createCallLog, decisionOf, textOf, type CallLog } from '../helpers/tool-calls.js';

interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

const rejectsWithCode = (code: number) => (error: { code?: number }) => {
  assert.equal(error.code, code, String(error));
  return true;
};

const b64 = (text: string): string => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;

describe('a 2026-07-28 client in front of a legacy stdio server (server-everything)', () => {
  const POLICY = { version: '1', default: 'allow', hide: ['get-env'], tools: { 'get-tiny-image': { action: 'deny', reason: 'no images for modern agents' } } };
  let gateway: TestGateway;
  let client: ModernClient;

  before(async () => {
    gateway = await startTestGateway({ servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER], policy: POLICY } }, store: 'memory' });
    client = await connectModernThroughGateway(gateway.url, 'everything', gateway.token(['everything']));
  });
  after(async () => {
    await client?.close();
    await gateway?.stop();
  });

  test('server/discover is answered from the upstream initialize result', () => {
    assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
    assert.equal(client.getServerVersion()?.name, 'mcp-servers/everything');
    const discover = client.getDiscoverResult();
    assert.ok(discover);
    assert.deepEqual(discover.supportedVersions, ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07']);
    // Only what the gateway bridges: no logging, no listChanged/subscribe (no listen streams yet).
    assert.deepEqual(discover.capabilities, { tools: {}, resources: {}, prompts: {}, completions: {} });
    assert.match(discover.instructions ?? '', /\S/);
    assert.deepEqual([discover.ttlMs, discover.cacheScope], [0, 'private']);
  });

  test('tools/list hides what the policy hides; an allowed call runs; a denied one answers the deny text', async () => {
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('echo') && names.includes('get-tiny-image'));
    assert.ok(!names.includes('get-env'));
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { message: 'hello modern' } })), 'Echo: hello modern');
    const denied = await client.callTool({ name: 'get-tiny-image', arguments: {} });
    assert.deepEqual([(denied as ToolResult).isError, textOf(denied), decisionOf(denied)], [true, '[POLICY DENIED] no images for modern agents', 'deny']);
    await assert.rejects(client.callTool({ name: 'get-env', arguments: {} }), rejectsWithCode(-32602));
    const image = (await gateway.auditEvents()).find((event) => event.tool === 'get-tiny-image');
    assert.deepEqual([image?.decision, image?.upstreamStatus], ['deny', 'not_sent']);
  });

  test('resources/read, prompts/get and completion pass', async () => {
    const read = await client.readResource({ uri: 'demo://resource/dynamic/text/3' });
    assert.match((read.contents[0] as { text?: string }).text ?? '', /^Resource 3:/);
    const prompt = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon', state: 'Rhône' } });
    assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: "What's weather in Lyon, Rhône?" });
    const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } });
    assert.deepEqual(completed.completion.values, ['Sales', 'Support']);
  });

  test('progress comes back on the request\'s own stream', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, { onprogress: (update) => progress.push(update.progress) });
    assert.match(textOf(result), /Long running operation completed/);
    assert.deepEqual(progress, [1, 2]);
  });
});

describe('raw 2026-07-28 POSTs in front of a counting upstream', () => {
  const POLICY = {
    version: '1',
    default: 'allow',
    hide: ['crash'],
    tools: {
      transfer: { action: 'deny', reason: 'no transfers' },
      count: { rate_limit: '2/1h' },
      read_data: { limits: [{ counter: 'reads', window: 'hour', max: 1, scope: 'session' }] },
    },
  };
  let dir: TempDir;
  let log: CallLog;
  let gateway: TestGateway;
  let token: string;
  let url: string;

  before(async () => {
    dir = makeTempDir('modern-raw');
    log = createCallLog(dir.path);
    const resources = { command: process.execPath, args: [LEGACY_RESOURCES_SERVER], policy: { version: '1', default: 'allow' } };
    gateway = await startTestGateway({ servers: { counting: countingServer(POLICY, log), resources }, store: 'memory' });
    token = gateway.token(['counting', 'resources']);
    url = `${gateway.url}/mcp/counting`;
  });
  after(async () => {
    await gateway?.stop();
    dir?.cleanup();
  });

  test('a well-formed request is served, base64 Mcp-Name included', async () => {
    const plain = await postModern(url, token, { method: 'tools/call', params: { name: 'echo', arguments: { text: 'a' } } });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body?.result?.['resultType'], 'complete');
    const encoded = await postModern(url, token, { method: 'tools/call', params: { name: 'echo', arguments: { text: 'b' } } }, { 'mcp-name': b64('echo') });
    assert.equal(encoded.status, 200, JSON.stringify(encoded.body));
    assert.equal(log.count('echo'), 2);
  });

  test('answers carry resultType, serverInfo, and on lists and reads ttlMs 0 / cacheScope private; -32002 becomes -32602', async () => {
    const list = await postModern(url, token, { method: 'tools/list' });
    const result = list.body?.result ?? {};
    assert.deepEqual([list.status, result['resultType'], result['ttlMs'], result['cacheScope']], [200, 'complete', 0, 'private']);
    assert.deepEqual((result['_meta'] as Record<string, unknown>)['io.modelcontextprotocol/serverInfo'], { name: 'counting-server', version: '0.1.0' });
    assert.ok(!(result['tools'] as Array<{ name: string }>).some((tool) => tool.name === 'crash'), 'hidden tools are filtered');
    const call = (await postModern(url, token, { method: 'tools/call', params: { name: 'stats', arguments: {} } })).body?.result ?? {};
    assert.deepEqual([call['resultType'], 'ttlMs' in call], ['complete', false]);

    const resources = `${gateway.url}/mcp/resources`;
    const read = await postModern(resources, token, { method: 'resources/read', params: { uri: 'legacy://here' } });
    assert.deepEqual([read.body?.result?.['ttlMs'], read.body?.result?.['cacheScope']], [0, 'private']);
    const missing = await postModern(resources, token, { method: 'resources/read', params: { uri: 'legacy://gone' } });
    assert.deepEqual([missing.status, missing.body?.error?.code, missing.body?.error?.data], [200, -32602, { uri: 'legacy://gone' }]);
  });

  test('headers that disagree with the body are 400/-32020 and nothing reaches the server', async () => {
    const before = log.count();
    const call = { method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } };
    const cases: Array<[string, Record<string, string | undefined>, { method: string; params: Record<string, unknown> }]> = [
      ['Mcp-Name names an allowed tool, the body a denied one', { 'mcp-name': 'echo' }, { method: 'tools/call', params: { name: 'transfer', arguments: { amount: 1, to: 'x' } } }],
      ['Mcp-Name names another tool than the body', { 'mcp-name': 'count' }, call],
      ['Mcp-Name in base64 decodes to another tool', { 'mcp-name': b64('count') }, call],
      ['Mcp-Name missing', { 'mcp-name': undefined }, call],
      ['Mcp-Method names another method', { 'mcp-method': 'tools/list' }, call],
      ['Mcp-Method missing', { 'mcp-method': undefined }, call],
      ['MCP-Protocol-Version names a legacy version', { 'mcp-protocol-version': '2025-11-25' }, call],
      ['MCP-Protocol-Version missing', { 'mcp-protocol-version': undefined }, call],
      ['_meta names another version than the header', {}, { method: 'tools/call', params: { name: 'echo', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': '2025-06-18' } } }],
      ['Mcp-Name on resources/read disagrees with params.uri', { 'mcp-name': 'file:///etc/passwd' }, { method: 'resources/read', params: { uri: 'file:///tmp/x' } }],
    ];
    for (const [what, headers, body] of cases) {
      const answer = await postModern(url, token, body, headers);
      assert.equal(answer.status, 400, what);
      assert.equal(answer.body?.error?.code, -32020, `${what}: ${JSON.stringify(answer.body)}`);
    }
    const decoded = await postModern(url, token, call, { 'mcp-name': b64('count') });
    assert.match(decoded.body?.error?.message ?? '', /decoded: "count".*"echo"/);
    assert.deepEqual(decoded.body?.error?.data, { header: 'Mcp-Name', value: b64('count'), body: 'echo' });
    assert.equal(log.count(), before, 'no refused request reached the server');
  });

  test('a missing envelope is 400/-32602; an unknown version 400/-32022 with supported and requested', async () => {
    const bare = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: {} } }),
    });
    assert.equal(bare.status, 400);
    const bareBody = (await bare.json()) as { id: number; error: { code: number; message: string } };
    assert.deepEqual([bareBody.id, bareBody.error.code], [5, -32602]);
    assert.match(bareBody.error.message, /protocolVersion"\] is required/);

    const noCapabilities = await postModern(url, token, { method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/clientCapabilities': undefined } } });
    assert.deepEqual([noCapabilities.status, noCapabilities.body?.error?.code], [400, -32602]);
    assert.match(noCapabilities.body?.error?.message ?? '', /clientCapabilities/);

    const future = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } };
    const unknown = await postModern(url, token, { method: 'tools/call', params: { name: 'echo', arguments: {}, ...future } }, { 'mcp-protocol-version': '2099-01-01' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body?.error?.code, -32022);
    assert.deepEqual(unknown.body?.error?.data, { supported: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'], requested: '2099-01-01' });
    assert.equal(log.count('echo'), 2, 'still only the two good calls');
  });

  test('removed and unknown methods are 404/-32601; GET and DELETE are 405; no token is 401', async () => {
    for (const method of ['ping', 'initialize', 'logging/setLevel', 'resources/subscribe']) {
      const params = method === 'initialize' ? { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } : method === 'logging/setLevel' ? { level: 'debug' } : method === 'resources/subscribe' ? { uri: 'x://y' } : {};
      const answer = await postModern(url, token, { method, params });
      assert.deepEqual([answer.status, answer.body?.error?.code], [404, -32601], method);
    }
    // A method the server itself does not know: its -32601 is a 404 too.
    const unknown = await postModern(url, token, { method: 'resources/list' });
    assert.deepEqual([unknown.status, unknown.body?.error?.code], [404, -32601]);
    for (const verb of ['GET', 'DELETE']) {
      const answer = await fetch(url, { method: verb, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2026-07-28' } });
      await answer.body?.cancel();
      assert.deepEqual([answer.status, answer.headers.get('allow')], [405, 'POST'], verb);
    }
    const anonymous = await postModern(url, undefined, { method: 'tools/call', params: { name: 'echo', arguments: {} } });
    assert.equal(anonymous.status, 401);
  });

  test('the 2.x client in modern mode: denied and rate-limited calls never reach the server', async () => {
    const client = await connectModernThroughGateway(gateway.url, 'counting', gateway.token(['counting']));
    try {
      const transfers = log.count('transfer');
      const denied = await client.callTool({ name: 'transfer', arguments: { amount: 5, to: 'mallory' } });
      assert.deepEqual([textOf(denied), decisionOf(denied)], ['[POLICY DENIED] no transfers', 'deny']);
      assert.equal(log.count('transfer'), transfers);
      const counts = log.count('count');
      assert.equal(textOf(await client.callTool({ name: 'count', arguments: {} })), `count=${counts + 1}`);
      assert.equal(textOf(await client.callTool({ name: 'count', arguments: {} })), `count=${counts + 2}`);
      const limited = await client.callTool({ name: 'count', arguments: {} });
      assert.equal(decisionOf(limited), 'rate_limited');
      assert.match(textOf(limited), /^\[POLICY DENIED\] rate limit/);
      assert.equal(log.count('count'), counts + 2);
      await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), rejectsWithCode(-32602));
      assert.equal(log.count('crash'), 0);
      // No session: a `scope: session` budget is the grant's, not one per request.
      assert.match(textOf(await client.callTool({ name: 'read_data', arguments: {} })), /^data for/);
      assert.equal(decisionOf(await client.callTool({ name: 'read_data', arguments: {} })), 'rate_limited');
      assert.equal(log.count('read_data'), 1);
    } finally {
      await client.close();
    }
  });

  test('closing the request\'s stream cancels the call: the server is told, the audit says why', async () => {
    const client = await connectModernThroughGateway(gateway.url, 'counting', token);
    try {
      const started = log.count('slow');
      const abort = new AbortController();
      const call = client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, { signal: abort.signal });
      for (let i = 0; i < 200 && log.count('slow') === started; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.equal(log.count('slow'), started + 1, 'the call reached the server');
      abort.abort();
      await assert.rejects(call);
      let event;
      for (let i = 0; i < 200 && !event; i += 1) {
        event = (await gateway.auditEvents()).find((e) => e.tool === 'slow');
        if (!event) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.deepEqual([event?.decision, event?.upstreamStatus, event?.reason], ['allow', 'failed', 'the client went away before the answer']);
    } finally {
      await client.close();
    }
  });

  test('the 2.x client probing (auto) settles on 2026-07-28; in legacy mode it opens a session as before', async () => {
    const auto = await connectModernThroughGateway(gateway.url, 'counting', token, 'auto');
    const legacy = await connectModernThroughGateway(gateway.url, 'counting', token, 'legacy');
    try {
      assert.equal(auto.getNegotiatedProtocolVersion(), '2026-07-28');
      assert.notEqual(legacy.getNegotiatedProtocolVersion(), '2026-07-28');
      assert.equal(gateway.gateway.runtimes.get('counting')?.sessionIds.size, 1, 'only the legacy client has a session');
      for (const client of [auto, legacy]) {
        assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'era' } })), JSON.stringify({ text: 'era' }));
        assert.equal(decisionOf(await client.callTool({ name: 'transfer', arguments: { amount: 1, to: 'x' } })), 'deny');
      }
    } finally {
      await Promise.all([auto.close(), legacy.close()]);
    }
  });

  test('the 1.x client still opens a session and is judged the same way', async () => {
    const client = await gateway.connect('counting', token);
    const result = (await client.callTool({ name: 'transfer', arguments: { amount: 1, to: 'x' } })) as ToolResult;
    assert.equal(textOf(result), '[POLICY DENIED] no transfers');
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: '1.x' } })), JSON.stringify({ text: '1.x' }));
  });
});

describe('a 2026-07-28 client in front of an SDK 2.x dual-era server over HTTP', () => {
  const POLICY = { version: '1', default: 'allow', tools: { transfer: { action: 'deny', reason: 'transfers need a human' }, count: { rate_limit: '1/1h' } } };
  let dir: TempDir;
  let log: CallLog;
  let upstream: HttpFixture;
  let gateway: TestGateway;
  let client: ModernClient;

  before(async () => {
    dir = makeTempDir('modern-2x');
    log = createCallLog(dir.path);
    upstream = await startHttpFixture(process.execPath, [MODERN_SERVER, '--http', '0'], { COUNTING_SERVER_LOG: log.path });
    gateway = await startTestGateway({ servers: { modern: { url: upstream.url, transport: 'streamable-http', policy: POLICY } }, store: 'memory' });
    client = await connectModernThroughGateway(gateway.url, 'modern', gateway.token(['modern']));
  });
  after(async () => {
    await client?.close();
    await gateway?.stop();
    await upstream?.stop();
    dir?.cleanup();
  });

  test('discover and tools/list', async () => {
    assert.deepEqual(client.getServerVersion(), { name: 'modern-server', version: '2.4.0' });
    assert.equal(client.getDiscoverResult()?.instructions, 'A test server on SDK 2.x.');
    assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name).sort(), ['count', 'echo', 'stats', 'transfer']);
  });

  test('allowed, denied and rate-limited calls; only the allowed ones reach the server', async () => {
    assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })), 'echo: hi');
    const denied = await client.callTool({ name: 'transfer', arguments: { amount: 10, to: 'x' } });
    assert.deepEqual([textOf(denied), decisionOf(denied)], ['[POLICY DENIED] transfers need a human', 'deny']);
    assert.equal(textOf(await client.callTool({ name: 'count', arguments: {} })), 'count=1');
    assert.equal(decisionOf(await client.callTool({ name: 'count', arguments: {} })), 'rate_limited');
    assert.deepEqual([log.count('echo'), log.count('transfer'), log.count('count')], [1, 0, 1]);
  });

  test('resources/read and prompts/get', async () => {
    const read = await client.readResource({ uri: 'modern://notes/1' });
    assert.equal((read.contents[0] as { text?: string }).text, 'note one');
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Hello, Ada!' });
  });

  test('a raw modern request carries serverInfo, resultType and cache hints', async () => {
    const answer = await postModern(`${gateway.url}/mcp/modern`, gateway.token(['modern']), { method: 'resources/read', params: { uri: 'modern://notes/1', _meta: MODERN_ENVELOPE } });
    assert.equal(answer.status, 200);
    const result = answer.body?.result ?? {};
    assert.deepEqual([result['resultType'], result['ttlMs'], result['cacheScope']], ['complete', 0, 'private']);
    assert.deepEqual((result['_meta'] as Record<string, unknown>)['io.modelcontextprotocol/serverInfo'], { name: 'modern-server', version: '2.4.0' });
  });
});
