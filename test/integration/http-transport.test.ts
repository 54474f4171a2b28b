// The client-facing Streamable HTTP endpoint at the HTTP level, driven with plain fetch: status codes,
// content types, sessions, body limits, malformed JSON-RPC, and what (not) reaches the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { COUNTING_SERVER, EVERYTHING_SERVER } from '../helpers/paths.js';

const ACCEPT = 'application/json, text/event-stream';
const INIT = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fetch', version: '1' } },
};

describe('the gateway\'s Streamable HTTP endpoint', () => {
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    const allow = { version: '1', default: 'allow' };
    gateway = await startTestGateway({
      servers: { counting: { command: process.execPath, args: [COUNTING_SERVER], policy: allow }, everything: { command: process.execPath, args: [EVERYTHING_SERVER], policy: allow } },
      store: 'memory',
    });
    token = gateway.token(['counting', 'everything']);
  });
  after(async () => gateway?.stop());

  function post(server: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${gateway.url}/mcp/${server}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: ACCEPT, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Opens an initialized session and returns its id. */
  async function openSession(server = 'counting'): Promise<string> {
    const response = await post(server, INIT);
    assert.equal(response.status, 200);
    const sessionId = response.headers.get('mcp-session-id');
    assert.ok(sessionId);
    await response.body?.cancel();
    const initialized = await post(server, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sessionId });
    assert.equal(initialized.status, 202);
    return sessionId;
  }

  async function countedCalls(sessionId: string): Promise<number> {
    const response = await post('counting', { jsonrpc: '2.0', id: 'stats', method: 'tools/call', params: { name: 'stats', arguments: {} } }, { 'mcp-session-id': sessionId });
    const body = (await response.json()) as { result: { content: Array<{ text: string }> } };
    return (JSON.parse(body.result.content[0]!.text) as { total: number }).total;
  }

  test('initialize answers application/json with a session id; a notification gets 202', async () => {
    const response = await post('counting', INIT);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(response.headers.get('mcp-session-id') ?? '', /^[\x21-\x7e]{16,}$/);
    const body = (await response.json()) as { id: number; result: { serverInfo: { name: string } } };
    assert.deepEqual([body.id, body.result.serverInfo.name], [0, 'counting-server']);
    const notified = await post('counting', { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': response.headers.get('mcp-session-id')! });
    assert.equal(notified.status, 202);
    assert.equal(await notified.text(), '');
  });

  test('a request without a session id that is not initialize → 400; an unknown session → 404', async () => {
    const missing = await post('counting', { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(missing.status, 400);
    const unknown = await post('counting', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-session-id': 'ses_does_not_exist' });
    assert.equal(unknown.status, 404);
  });

  test('a request is answered as application/json, with the client\'s id', async () => {
    const sessionId = await openSession();
    const response = await post('counting', { jsonrpc: '2.0', id: 'call-1', method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }, { 'mcp-session-id': sessionId });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await response.json()) as { id: string; result: { content: Array<{ text: string }> } };
    assert.equal(body.id, 'call-1');
    assert.deepEqual(JSON.parse(body.result.content[0]!.text), { text: 'hi' });
  });

  test('progress turns the answer into an SSE stream: progress events, then the response', async () => {
    const sessionId = await openSession('everything');
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 }, _meta: { progressToken: 'tok-1' } } };
    const response = await post('everything', call, { 'mcp-session-id': sessionId });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = (await response.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as Record<string, any>);
    assert.deepEqual(events.filter((e) => e['method'] === 'notifications/progress').map((e) => [e['params'].progressToken, e['params'].progress]), [['tok-1', 1], ['tok-1', 2]]);
    const last = events.at(-1)!;
    assert.equal(last['id'], 7);
    assert.match(last['result'].content[0].text, /Long running operation completed/);
  });

  test('DELETE ends the session: later requests get 404 and its GET stream ends', async () => {
    const sessionId = await openSession();
    const stream = await fetch(`${gateway.url}/mcp/counting`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'mcp-session-id': sessionId } });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reading = stream.text();

    const deleted = await fetch(`${gateway.url}/mcp/counting`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId } });
    assert.equal(deleted.status, 200);
    assert.equal(await reading, '', 'the stream closes without a message');
    const after = await post('counting', { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': sessionId });
    assert.equal(after.status, 404);
    const again = await fetch(`${gateway.url}/mcp/counting`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId } });
    assert.equal(again.status, 404);
  });

  test('what the server says before the client opens its GET stream is delivered when it opens', async () => {
    // server-everything announces tools/list_changed on `initialized`; this client opens its stream later.
    const sessionId = await openSession('everything');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stream = await fetch(`${gateway.url}/mcp/everything`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'mcp-session-id': sessionId } });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const deadline = setTimeout(() => void reader.cancel(), 3_000);
    while (!received.includes('notifications/tools/list_changed')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value, { stream: true });
    }
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
    assert.match(received, /^event: message\ndata: \{"jsonrpc":"2.0","method":"notifications\/tools\/list_changed"/m);
  });

  test('invalid JSON → 400 with JSON-RPC -32700', async () => {
    const sessionId = await openSession();
    const response = await post('counting', '{"jsonrpc":"2.0","id":1,"method":', { 'mcp-session-id': sessionId });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { id: null; error: { code: number } };
    assert.equal(body.error.code, -32700);
    assert.equal(body.id, null);
  });

  test('a batch carrying a request → 400 -32600, and no part of it reaches the server', async () => {
    const sessionId = await openSession();
    const batch = [
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'count', arguments: {} } },
    ];
    const response = await post('counting', batch, { 'mcp-session-id': sessionId });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { code: number } }).error.code, -32600);
    assert.equal(await countedCalls(sessionId), 0);
  });

  test('wrong Content-Type → 415; a body over 4 MiB → 413; nothing reaches the server', async () => {
    const sessionId = await openSession();
    const call = { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'count', arguments: {} } };
    const wrongType = await post('counting', call, { 'mcp-session-id': sessionId, 'content-type': 'text/plain' });
    assert.equal(wrongType.status, 415);
    await wrongType.body?.cancel();
    const huge = { ...call, params: { name: 'count', arguments: { padding: 'x'.repeat(4 * 1024 * 1024) } } };
    const tooLarge = await post('counting', huge, { 'mcp-session-id': sessionId });
    assert.equal(tooLarge.status, 413);
    await tooLarge.body?.cancel();
    // Streamed without a Content-Length, the limit holds all the same.
    const megabyte = new TextEncoder().encode(' '.repeat(1024 * 1024));
    let sent = 0;
    const streamed = await fetch(`${gateway.url}/mcp/counting`, {
      method: 'POST',
      duplex: 'half',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: ACCEPT, 'mcp-session-id': sessionId },
      body: new ReadableStream({ pull: (controller) => (sent++ < 5 ? controller.enqueue(megabyte) : controller.close()) }),
    } as RequestInit);
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    assert.equal(await countedCalls(sessionId), 0);
  });

  test('a missing token → 401; a foreign Origin → 403', async () => {
    const anonymous = await fetch(`${gateway.url}/mcp/counting`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: JSON.stringify(INIT) });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
    await anonymous.body?.cancel();
    const foreign = await post('counting', INIT, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    await foreign.body?.cancel();
  });
});
