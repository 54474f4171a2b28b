// Slow clients cannot pin the gateway's connections: with `http.headersTimeout: 300ms` and
// `http.requestTimeout: 1s`, raw TCP clients that say nothing, stall or drip their headers, or send
// their body slowly are answered 408 and disconnected, while an SDK client, including a call whose
// answer takes longer than the request timeout, works as usual. An idle keep-alive connection stays
// open for `http.keepAliveTimeout` (65 s by default, so the client closes it first; decision 020).
// First the HTTP transport alone, then a whole gateway whose config sets the timeouts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { notConfiguredApprovals } from '../../src/approvals/approval-hook.js';
import { createMemoryAuditSink } from '../../src/audit/memory-audit-sink.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/gateway/gateway.js';
import { createMcpHttpServer } from '../../src/transport/http/mcp-http-server.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createMemoryCounterStore } from '../../src/state/memory-counter-store.js';
import { connectThroughGateway } from '../helpers/mcp-clients.js';
import { COUNTING_SERVER } from '../helpers/paths.js';
import { refusingHandler } from '../helpers/refusing-handler.js';

/** Far past the configured timeouts, far below the defaults (10 s headers, 60 s request). */
const PATIENCE_MS = 5_000;

interface RawOutcome {
  /** Whether the gateway closed the connection within PATIENCE_MS. */
  closed: boolean;
  received: string;
}

/** Opens a raw TCP connection to the gateway, lets `act` write to it, and waits for the gateway to close it. */
function rawClient(port: number, act: (write: (text: string) => boolean) => void): Promise<RawOutcome> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = connect(port, '127.0.0.1', () => act((text) => !socket.destroyed && socket.write(text)));
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, received });
    };
    const timer = setTimeout(() => finish(false), PATIENCE_MS);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

/** The `Keep-Alive` header of the gateway's answer to a GET of `path`. */
function keepAliveHeader(port: number, path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      const value = res.headers['keep-alive'];
      resolve(Array.isArray(value) ? value.join(', ') : value);
    }).on('error', reject);
  });
}

/** Writes `text` one character every `everyMs` until the connection closes. */
function drip(write: (text: string) => boolean, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (!write(text[at % text.length]!)) clearInterval(timer);
    at += 1;
  }, everyMs);
}

test('the HTTP transport applies the timeouts it is given (headers 300 ms, request 1 s)', async () => {
  const http = createMcpHttpServer({
    handler: refusingHandler,
    origins: { allowedOrigins: [], listenHost: '127.0.0.1' },
    headersTimeoutMs: 300,
    requestTimeoutMs: 1_000,
  });
  const { port } = await http.listen('127.0.0.1', 0);
  try {
    const [stalled, slowBody] = await Promise.all([
      rawClient(port, (write) => write('POST /mcp/x HTTP/1.1\r\nHost: 127')),
      rawClient(port, (write) => {
        write('POST /mcp/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n');
        drip(write, '{"a":1}', 20);
      }),
    ]);
    for (const outcome of [stalled, slowBody]) {
      assert.ok(outcome.closed, `still connected after ${PATIENCE_MS} ms`);
      assert.match(outcome.received, /^HTTP\/1\.1 408 /);
    }
    assert.equal(await keepAliveHeader(port, '/elsewhere'), 'timeout=65', 'an idle connection is kept 65 s by default');
  } finally {
    http.destroyConnections();
    await http.close();
  }
});

describe('client-facing HTTP timeouts of a gateway configured with `http:`', () => {
  let gateway: RunningGateway;
  let dataDir: string;
  let port: number;
  const clients: Client[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'toolgate-timeouts-'));
    const config = parseConfig(
      {
        listen: '127.0.0.1:0',
        auth: 'none',
        http: { headersTimeout: '300ms', requestTimeout: '1s', keepAliveTimeout: '2s' },
        servers: { counting: { command: process.execPath, args: [COUNTING_SERVER], policy: { version: '1', default: 'allow' } } },
      },
      { baseDir: dataDir },
    );
    gateway = await startGateway({
      config,
      counters: createMemoryCounterStore(),
      audit: createMemoryAuditSink(),
      grants: undefined,
      approvals: notConfiguredApprovals,
      clock: systemClock,
      logger: silentLogger,
      stopGraceMs: 1_000,
    });
    port = gateway.port;
  });
  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a connection that sends nothing, or stalls or drips its headers, is answered 408 and closed', async () => {
    const head = `POST /mcp/counting HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n`;
    const [silent, stalled, dripping] = await Promise.all([
      rawClient(port, () => undefined),
      rawClient(port, (write) => write(head.slice(0, 40))),
      rawClient(port, (write) => drip(write, `${head}X-Padding: ${'a'.repeat(2_000)}`, 20)),
    ]);
    for (const [name, outcome] of Object.entries({ silent, stalled, dripping })) {
      assert.ok(outcome.closed, `${name}: still connected after ${PATIENCE_MS} ms`);
      assert.match(outcome.received, /^(HTTP\/1\.1 408 |$)/, `${name}: ${outcome.received.slice(0, 80)}`);
    }
  });

  test('an idle keep-alive connection is kept for http.keepAliveTimeout, and the answer says so', async () => {
    const request = `GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
    const startedAt = Date.now();
    const idle = await rawClient(port, (write) => write(request));
    const idleForMs = Date.now() - startedAt;
    assert.match(idle.received, /^HTTP\/1\.1 404 [^]*\r\nKeep-Alive: timeout=2\r\n/i);
    assert.ok(idle.closed, `an idle connection outlived its 2 s keep-alive by ${PATIENCE_MS - 2_000} ms`);
    assert.ok(idleForMs >= 2_000, `closed after ${idleForMs} ms, before its keep-alive time`);
  });

  test('a request whose body comes too slowly is answered 408 and closed before it is complete', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'slow', version: '1' }, padding: 'p'.repeat(5_000) } });
    const head = `POST /mcp/counting HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    // 10 bytes every 50 ms: the whole body would take 25 s.
    const outcome = await rawClient(port, (write) => {
      write(head);
      let at = 0;
      const timer = setInterval(() => {
        if (at >= body.length || !write(body.slice(at, at + 10))) clearInterval(timer);
        at += 10;
      }, 50);
    });
    assert.ok(outcome.closed, `still connected after ${PATIENCE_MS} ms`);
    assert.match(outcome.received, /^HTTP\/1\.1 408 /);
  });

  test('meanwhile an SDK client works, and an answer may take longer than the request timeout', async () => {
    const stalled = Array.from({ length: 5 }, () => rawClient(port, (write) => write('POST /mcp/counting HTTP/1.1\r\nHost: 127')));
    const client = await connectThroughGateway(gateway.url, 'counting', undefined);
    clients.push(client);
    const tools = await client.listTools();
    assert.ok(tools.tools.some((tool) => tool.name === 'slow'));
    const slow = (await client.callTool({ name: 'slow', arguments: { ms: 1_500 } })) as CallToolResult;
    assert.deepEqual(slow.content, [{ type: 'text', text: 'slept=1500' }]);
    for (let i = 1; i <= 20; i += 1) {
      const result = (await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } })) as CallToolResult;
      assert.deepEqual(result.content, [{ type: 'text', text: JSON.stringify({ text: `call ${i}` }) }]);
    }
    for (const outcome of await Promise.all(stalled)) assert.ok(outcome.closed, 'a stalled connection outlived its header timeout');
  });
});
