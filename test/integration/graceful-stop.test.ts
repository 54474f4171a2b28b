// Stopping the gateway while calls run: calls in flight finish with their real answers, and a
// request that arrives afterwards on a kept-alive connection is refused without reaching the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { countingServer, createCallLog, waitFor, type CallLog } from '../helpers/tool-calls.js';

let dir: TempDir;
let log: CallLog;
let gateway: TestGateway;

before(async () => {
  dir = makeTempDir('graceful-stop');
  log = createCallLog(dir.path);
  gateway = await startTestGateway({ servers: { c: countingServer({ version: '1', default: 'allow' }, log) }, store: 'memory' });
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

interface Answer {
  result?: { content: Array<{ text: string }> };
  error?: { code: number; message: string };
}

test('calls in flight finish; a request that comes in after stop began is refused, never sent', async () => {
  const token = gateway.token(['c']);
  const client = await gateway.connect('c', token);
  const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
  // Two kept-alive sockets: the third request waits for one and goes out on it after stop began.
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-session-id': sessionId };
  const slow = (id: number, ms: number): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(`${gateway.url}/mcp/c`, { agent, method: 'POST', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as Answer));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'slow', arguments: { ms } } }));
    });

  const first = slow(1, 400);
  const second = slow(2, 800);
  await waitFor('both calls to reach the server', () => log.count('slow') === 2);
  const stopped = gateway.gateway.stop();
  const late = slow(3, 100);

  assert.equal((await first).result?.content[0]?.text, 'slept=400');
  assert.equal((await second).result?.content[0]?.text, 'slept=800');
  const refused = await late;
  assert.equal(refused.error?.code, -32010);
  assert.match(refused.error?.message ?? '', /the gateway is stopping; the request was not sent/);
  await stopped;
  agent.destroy();
  assert.equal(log.count('slow'), 2, 'the late request never reached the server');
  const events = await gateway.auditEvents();
  assert.deepEqual(events.map((event) => [event.tool, event.decision, event.upstreamStatus]), [
    ['slow', 'allow', 'ok'],
    ['slow', 'allow', 'ok'],
  ]);
});
