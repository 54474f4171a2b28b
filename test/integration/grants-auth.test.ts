// Who may reach what: bearer grants on every MCP request (plain HTTP and the SDK client), grants
// bound to servers and sessions, revocation inside an open session, auth: none, Origin/Host checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, call, countingServer, createCallLog, type CallLog } from '../helpers/tool-calls.js';

const OPEN = { version: '1', default: 'allow' };

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-http', version: '1.0.0' } },
};
const COUNT_CALL = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'count', arguments: {} } };

interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The JSON-RPC error message of a refusal. */
  message: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let message = '';
  try {
    message = String((JSON.parse(text) as { error?: { message?: unknown } }).error?.message ?? '');
  } catch {
    // not JSON (e.g. an SSE answer): no error message
  }
  return { status: response.status, headers: response.headers, body: text, message };
}

/** The SDK client's transport reports a refused HTTP request as an error carrying the status. */
function httpStatus(status: number): (error: unknown) => boolean {
  return (error) => {
    assert.equal((error as { code?: unknown }).code, status, String(error));
    return true;
  };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const sessionOf = (client: Client): string => (client.transport as StreamableHTTPClientTransport).sessionId!;

let dir: TempDir;
let log: CallLog;
let gateway: TestGateway;
let alphaToken: string;
let url: (server: string) => string;

before(async () => {
  dir = makeTempDir('grants-auth');
  log = createCallLog(dir.path);
  gateway = await startTestGateway({ servers: { alpha: countingServer(OPEN, log), beta: countingServer(OPEN, log) } });
  alphaToken = gateway.token(['alpha']);
  url = (server) => `${gateway.url}/mcp/${server}`;
});

after(async () => {
  await gateway.stop();
  dir.cleanup();
});

describe('bearer grants', () => {
  test('no token: 401 with a Bearer challenge, over plain HTTP and for the SDK client', async () => {
    const raw = await post(url('alpha'), INITIALIZE);
    assert.equal(raw.status, 401);
    assert.match(raw.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.match(raw.message, /a valid grant token is required/);
    await assert.rejects(gateway.connect('alpha'), httpStatus(401));
  });

  test('a wrong or malformed token: 401', async () => {
    for (const authorization of ['Bearer tg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `Basic ${alphaToken}`, `Bearer ${alphaToken}x`, 'Bearer']) {
      assert.equal((await post(url('alpha'), INITIALIZE, { authorization })).status, 401, authorization);
    }
    await assert.rejects(gateway.connect('alpha', 'tg_not-a-real-token'), httpStatus(401));
  });

  test('a grant for server alpha is refused on beta: 403', async () => {
    const raw = await post(url('beta'), INITIALIZE, bearer(alphaToken));
    assert.equal(raw.status, 403);
    assert.match(raw.message, /may not reach server "beta"/);
    await assert.rejects(gateway.connect('beta', alphaToken), httpStatus(403));
    assertAllowed(await call(await gateway.connect('alpha', alphaToken), 'count'));
  });

  test('an unknown server: 404', async () => {
    const raw = await post(url('gamma'), INITIALIZE, bearer(gateway.token(['*'])));
    assert.equal(raw.status, 404);
    assert.match(raw.message, /unknown server "gamma"/);
  });

  test('a revoked token stops working at once, inside an open session', async () => {
    const { grant, token } = gateway.grants!.create({ name: 'soon-revoked', servers: ['alpha'] });
    const client = await gateway.connect('alpha', token);
    assertAllowed(await call(client, 'count'));
    const reached = log.count();
    gateway.grants!.revoke(grant.id);
    await assert.rejects(call(client, 'count'), httpStatus(401));
    const raw = await post(url('alpha'), COUNT_CALL, { ...bearer(token), 'mcp-session-id': sessionOf(client) });
    assert.equal(raw.status, 401);
    assert.equal(log.count(), reached, 'nothing reached the server after the revoke');
  });
});

describe('revocation ends open streams', () => {
  test('a revoked grant loses its open GET stream within seconds', async () => {
    const { grant, token } = gateway.grants!.create({ name: 'stream-holder', servers: ['alpha'] });
    const opened = await post(url('alpha'), INITIALIZE, bearer(token));
    assert.equal(opened.status, 200);
    const sessionId = opened.headers.get('mcp-session-id')!;
    const stream = await fetch(url('alpha'), { headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, ...bearer(token) } });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    gateway.grants!.revoke(grant.id);
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();
    const deadline = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 8_000));
    assert.equal(await Promise.race([ended, deadline]), true, 'the stream of a revoked grant was closed');
    assert.equal((await post(url('alpha'), COUNT_CALL, { ...bearer(alphaToken), 'mcp-session-id': sessionId })).status, 404);
  });
});

describe('sessions are bound to their grant', () => {
  test('a session id presented with another grant\'s token: 403, and nothing is forwarded', async () => {
    const owner = await gateway.connect('alpha', gateway.token(['alpha']));
    const intruder = gateway.token(['alpha', 'beta']);
    const reached = log.count();
    const raw = await post(url('alpha'), COUNT_CALL, { ...bearer(intruder), 'mcp-session-id': sessionOf(owner) });
    assert.equal(raw.status, 403);
    assert.match(raw.message, /this session belongs to another grant/);
    assert.equal(log.count(), reached);
    assertAllowed(await call(owner, 'count'), /^count=\d+$/);
  });

  test('a session of one server is not found on another', async () => {
    const token = gateway.token(['alpha', 'beta']);
    const client = await gateway.connect('alpha', token);
    const raw = await post(url('beta'), COUNT_CALL, { ...bearer(token), 'mcp-session-id': sessionOf(client) });
    assert.equal(raw.status, 404);
  });

  test('a request without a session id that is not initialize: 400', async () => {
    const raw = await post(url('alpha'), COUNT_CALL, bearer(alphaToken));
    assert.equal(raw.status, 400);
    assert.match(raw.message, /Mcp-Session-Id header is required/);
  });
});

describe('Origin and Host (DNS rebinding)', () => {
  test('a foreign Origin is refused with 403 before anything else; a loopback origin is fine', async () => {
    const foreign = await post(url('alpha'), INITIALIZE, { ...bearer(alphaToken), origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.match(foreign.message, /Origin https:\/\/evil\.example is not allowed/);
    const noToken = await post(url('alpha'), INITIALIZE, { origin: 'https://evil.example' });
    assert.equal(noToken.status, 403, 'the origin check comes before authentication');
    const local = await post(url('alpha'), INITIALIZE, { ...bearer(alphaToken), origin: 'http://localhost:3000' });
    assert.equal(local.status, 200, local.body);
  });

  test('a foreign Host on a loopback gateway: 403', async () => {
    const { port } = new URL(gateway.url);
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify(INITIALIZE);
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/mcp/alpha', method: 'POST', headers: { host: 'attacker.example', 'content-type': 'application/json', ...bearer(alphaToken) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 403);
  });
});

describe('auth: none', () => {
  let open: TestGateway;
  before(async () => {
    open = await startTestGateway({ servers: { alpha: countingServer(OPEN, log) }, auth: 'none', store: 'memory' });
  });
  after(() => open.stop());

  test('works without a token; calls are audited as the anonymous grant', async () => {
    const client = await open.connect('alpha');
    assertAllowed(await call(client, 'count'), /^count=1$/);
    const events = await open.auditEvents();
    assert.deepEqual(events.map((event) => [event.grantId, event.tool, event.decision]), [['anonymous', 'count', 'allow']]);
  });
});
