// A server that runs a call and then fails (HTTP 500) must not get its budget back: only a refusal
// that proves the server never saw the request (connection refused, a 4xx) rolls a reservation back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { call } from '../helpers/tool-calls.js';

/** A raw Streamable HTTP server that answers initialize, then counts every tools/call and fails with 500. */
function startFailingServer(): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'POST') return res.writeHead(405).end();
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const message = JSON.parse(body) as { id?: number; method: string };
      if (message.method === 'initialize') {
        const result = { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'fails-after-acting', version: '1' } };
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'upstream-1' });
        return res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      }
      if (message.id === undefined) return res.writeHead(202).end();
      if (message.method === 'tools/call') calls++;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('the database write succeeded, then the server crashed');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/mcp`, calls: () => calls });
    });
  });
}

let upstream: Awaited<ReturnType<typeof startFailingServer>>;
let gateway: TestGateway;

before(async () => {
  upstream = await startFailingServer();
  const policy = { version: '1', default: 'deny', tools: { write: { limits: [{ counter: 'writes', window: 'hour', max: 2 }] } } };
  gateway = await startTestGateway({ servers: { flaky: { url: upstream.url, transport: 'streamable-http', policy } }, store: 'memory' });
});
after(async () => {
  await gateway.stop();
  upstream.server.close();
});

test('calls that reached the server and failed with 500 still spend their budget', async () => {
  const client = await gateway.connect('flaky', gateway.token(['flaky']));
  const decisions: string[] = [];
  for (let i = 0; i < 6; i++) {
    try {
      const result = await call(client, 'write', { n: i });
      decisions.push((result._meta as { toolgate?: { decision?: string } } | undefined)?.toolgate?.decision ?? 'result');
    } catch (error) {
      decisions.push(`error ${(error as { code?: number }).code}`);
    }
  }
  assert.equal(upstream.calls(), 2, 'only the budget of 2 reached the server');
  assert.deepEqual(decisions, ['error -32011', 'error -32011', 'rate_limited', 'rate_limited', 'rate_limited', 'rate_limited']);
  const events = (await gateway.auditEvents()).filter((event) => event.tool === 'write');
  assert.deepEqual(events.map((event) => `${event.decision}/${event.upstreamStatus}`), [
    'allow/failed', 'allow/failed', 'rate_limited/not_sent', 'rate_limited/not_sent', 'rate_limited/not_sent', 'rate_limited/not_sent',
  ]);
});
