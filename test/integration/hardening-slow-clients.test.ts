// A client that stops reading its stream does not slow other clients, and the gateway does not buffer
// for it without bound: once more than the bound (8 MiB) waits unread, its answer stream or GET
// stream is ended. Two raw-socket clients stop reading while an upstream floods them (32 MiB of
// progress notifications, 24 MiB of log messages); an SDK client's 200 calls meanwhile all succeed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEvent } from '../../src/audit/audit-sink.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { DIST } from '../helpers/paths.js';

const BULKY_SERVER = join(DIST, 'test', 'fixtures', 'bulky-server.js');
const NOTE_BYTES = 64 * 1024;
const MiB = 1024 * 1024;

/** A raw HTTP/1.1 exchange on its own socket that reads nothing until told to. */
class StuckClient {
  private readonly socket: Socket;
  private received = 0;
  private text = '';
  private readonly closed: Promise<void>;

  constructor(port: number, request: string) {
    this.socket = connect(port, '127.0.0.1', () => this.socket.write(request));
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /** Reads until the response headers are in, then stops reading. */
  async readHeaders(): Promise<string> {
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer): void => {
        this.text += chunk.toString('latin1');
        if (!this.text.includes('\r\n\r\n')) return;
        this.socket.off('data', onData);
        this.socket.pause();
        resolve();
      };
      this.socket.on('data', onData);
    });
    return this.text.slice(0, this.text.indexOf('\r\n'));
  }

  stopReading(): void {
    this.socket.pause();
  }

  /** Reads everything still coming; reports whether the gateway closed the connection within `ms`,
   *  how many bytes came, and whether the stream's final answer (`id`) was among them. */
  async drain(ms: number, id?: string): Promise<{ closed: boolean; bytes: number; answered: boolean }> {
    let tail = '';
    let answered = false;
    this.socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      const text = tail + chunk.toString('latin1');
      if (id !== undefined && text.includes(`"id":"${id}"`)) answered = true;
      tail = text.slice(-64);
    });
    this.socket.resume();
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([this.closed.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    clearTimeout(timer);
    this.socket.destroy();
    return { closed, bytes: this.received, answered };
  }
}

function rawRequest(method: 'GET' | 'POST', port: number, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} /mcp/bulky HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (method === 'POST') lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

describe('a client that stops reading', () => {
  let gateway: TestGateway;
  let token: string;
  let port: number;

  before(async () => {
    gateway = await startTestGateway({
      servers: { bulky: { command: process.execPath, args: [BULKY_SERVER], timeout: '120s', policy: { version: '1', default: 'allow' } } },
      store: 'memory',
    });
    token = gateway.token(['bulky']);
    port = Number(new URL(gateway.url).port);
  });
  after(async () => gateway?.stop());

  async function post(sessionId: string | undefined, body: unknown): Promise<Response> {
    return fetch(`${gateway.url}/mcp/bulky`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(body),
    });
  }

  async function openSession(): Promise<string> {
    const init = await post(undefined, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stuck', version: '1' } } });
    const sessionId = init.headers.get('mcp-session-id');
    assert.ok(sessionId, `initialize answered ${init.status}`);
    await init.body?.cancel();
    assert.equal((await post(sessionId, { jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
    return sessionId;
  }

  async function auditOf(id: string, timeoutMs: number): Promise<AuditEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await gateway.auditEvents()).find((event) => event.tool === 'flood' && event.argKeys.includes(id));
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`the flood call ${id} was not audited within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('its stream is ended once the bound is unread, and other clients go on meanwhile', async (t) => {
    const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json, text/event-stream' };

    // A: a tools/call whose answer stream carries 32 MiB of progress; the client never reads it.
    const answerSession = await openSession();
    const progressCount = 512;
    const floodCall = { jsonrpc: '2.0', id: 'flood-a', method: 'tools/call', params: { name: 'flood', arguments: { count: progressCount, size: NOTE_BYTES, kind: 'progress', answerStream: true }, _meta: { progressToken: 'a' } } };
    const stuckAnswer = new StuckClient(port, rawRequest('POST', port, { ...auth, 'Mcp-Session-Id': answerSession }, JSON.stringify(floodCall)));
    stuckAnswer.stopReading();

    // B: a GET stream that stops reading once open; the same session's call floods it with 24 MiB of logs.
    const streamSession = await openSession();
    const stuckStream = new StuckClient(port, rawRequest('GET', port, { ...auth, Accept: 'text/event-stream', 'Mcp-Session-Id': streamSession }));
    assert.equal(await stuckStream.readHeaders(), 'HTTP/1.1 200 OK');
    const logCount = 384;
    const logFlood = post(streamSession, { jsonrpc: '2.0', id: 'flood-b', method: 'tools/call', params: { name: 'flood', arguments: { count: logCount, size: NOTE_BYTES, kind: 'log', getStream: true } } }).then((response) => response.text());

    // C: an ordinary client, at the same time.
    const client = await gateway.connect('bulky', token);
    for (let i = 1; i <= 200; i += 1) {
      const result = (await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } })) as CallToolResult;
      assert.deepEqual(result.content, [{ type: 'text', text: `call ${i}` }], `call ${i}`);
    }

    // A's call ended when its stream was cut (the client "went away"), long before the flood was sent.
    const answerAudit = await auditOf('answerStream', 60_000);
    assert.equal(answerAudit.upstreamStatus, 'failed', `the stuck answer stream was not ended: ${answerAudit.reason ?? ''}`);
    const a = await stuckAnswer.drain(15_000, 'flood-a');
    assert.ok(a.closed, 'the gateway left the stuck answer stream open');
    assert.equal(a.answered, false, 'the stuck client got its final answer: nothing was cut');
    assert.ok(a.bytes < (progressCount * NOTE_BYTES) / 2, `the stuck client still received ${(a.bytes / MiB).toFixed(1)} MiB`);

    // B's call itself completes (its messages go to its own answer once the GET stream is gone).
    assert.match(await logFlood, new RegExp(`sent=${logCount}`));
    const b = await stuckStream.drain(15_000);
    assert.ok(b.closed, 'the gateway left the stuck GET stream open');
    assert.ok(b.bytes < (logCount * NOTE_BYTES) / 2, `the stuck GET stream still received ${(b.bytes / MiB).toFixed(1)} MiB`);
    t.diagnostic(`stuck answer stream: ${(a.bytes / MiB).toFixed(1)} of ${(progressCount * NOTE_BYTES) / MiB} MiB delivered; stuck GET stream: ${(b.bytes / MiB).toFixed(1)} of ${(logCount * NOTE_BYTES) / MiB} MiB`);
  });
});
