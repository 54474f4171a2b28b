// One 2026-07-28 request in front of a legacy server: what is answered here, what is forwarded (and
// how), and which of the server's related messages reach the client. The session behind it is
// stood in for by a recorder; the integration tests run the real one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../lib/logger.js';
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from '../protocol/jsonrpc.js';
import { META } from '../protocol/modern-envelope.js';
import type { ReplySink } from '../transport/client-channel.js';
import { serveModernRequest, type ModernTarget } from './modern-exchange.js';

const INIT = { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true }, logging: {} }, serverInfo: { name: 'up', version: '1' } };

class RecordingReply implements ReplySink {
  readonly sent: JsonRpcMessage[] = [];
  final: JsonRpcResponse | undefined;
  private resolveEnded!: (response: JsonRpcResponse) => void;
  readonly ended = new Promise<JsonRpcResponse>((resolve) => (this.resolveEnded = resolve));
  send(message: JsonRpcMessage): void {
    this.sent.push(message);
  }
  setHeader(): void {}
  end(message: JsonRpcResponse): void {
    this.final ??= message;
    this.resolveEnded(message);
  }
  get closed(): boolean {
    return this.final !== undefined;
  }
  onAbort(): void {}
}

function target(serverInfo: () => Promise<Record<string, unknown>>, onForward: (request: JsonRpcRequest, reply: ReplySink) => void = () => undefined): ModernTarget & { forwarded: JsonRpcRequest[] } {
  const forwarded: JsonRpcRequest[] = [];
  return {
    forwarded,
    serverInfo,
    forward: (request, reply) => {
      forwarded.push(request);
      onForward(request, reply);
    },
    logger: silentLogger,
  };
}

const request = (method: string, params: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): JsonRpcRequest => ({
  jsonrpc: '2.0',
  id: 7,
  method,
  params: { ...params, _meta: { [META.protocolVersion]: '2026-07-28', [META.clientCapabilities]: {}, ...meta } },
});

test('server/discover is answered here, from the initialize result; nothing is forwarded', async () => {
  const t = target(async () => INIT);
  const reply = new RecordingReply();
  serveModernRequest(t, request('server/discover'), reply);
  const answer = (await reply.ended) as { result: Record<string, unknown> };
  assert.deepEqual(answer.result['capabilities'], { tools: {} });
  assert.deepEqual((answer.result['_meta'] as Record<string, unknown>)[META.serverInfo], INIT.serverInfo);
  assert.equal(t.forwarded.length, 0);
});

test('a server that cannot be reached: discover says so (-32010)', async () => {
  const reply = new RecordingReply();
  serveModernRequest(target(() => Promise.reject(new Error('spawn failed'))), request('server/discover'), reply);
  assert.deepEqual((await reply.ended as { error: { code: number; message: string } }).error, { code: -32010, message: 'Upstream unavailable: spawn failed' });
});

test('removed methods and a bad envelope are answered here and never forwarded', async () => {
  const t = target(async () => INIT);
  for (const [message, code] of [[request('ping'), -32601], [request('subscriptions/listen'), -32601], [{ jsonrpc: '2.0' as const, id: 1, method: 'tools/list' }, -32602]] as const) {
    const reply = new RecordingReply();
    serveModernRequest(t, message, reply);
    assert.equal(((await reply.ended) as { error: { code: number } }).error.code, code, message.method);
  }
  assert.equal(t.forwarded.length, 0);
});

test('forwarded without the envelope; only the request\'s own progress and the logs it asked for come back', async () => {
  // As from a server: the answer comes later, once the connection is initialized.
  const t = target(async () => INIT, (forwarded, reply) => setImmediate(() => {
    reply.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'mine', progress: 1 } });
    reply.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'other', progress: 1 } });
    reply.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'chatty' } });
    reply.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'error', data: 'bad' } });
    reply.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    reply.send({ jsonrpc: '2.0', id: 99, method: 'sampling/createMessage', params: {} });
    reply.end({ jsonrpc: '2.0', id: forwarded.id, result: { content: [] } });
  }));
  const reply = new RecordingReply();
  serveModernRequest(t, request('tools/call', { name: 'x', arguments: {} }, { progressToken: 'mine', [META.logLevel]: 'warning', traceparent: 'tp' }), reply);
  const answer = await reply.ended;
  assert.deepEqual(t.forwarded[0]?.params, { name: 'x', arguments: {}, _meta: { progressToken: 'mine', traceparent: 'tp' } });
  assert.deepEqual(reply.sent.map((message) => ('params' in message ? message.params?.['progressToken'] ?? message.params?.['data'] : undefined)), ['mine', 'bad']);
  assert.deepEqual((answer as { result: Record<string, unknown> }).result, { content: [], resultType: 'complete', _meta: { [META.serverInfo]: INIT.serverInfo } });
});

test('without logLevel no log message passes; an answer is still given when serverInfo is unknown', async () => {
  const t = target(() => Promise.reject(new Error('down')), (forwarded, reply) => {
    reply.send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'emergency', data: 'x' } });
    reply.end({ jsonrpc: '2.0', id: forwarded.id, result: { tools: [] } });
  });
  const reply = new RecordingReply();
  serveModernRequest(t, request('tools/list'), reply);
  assert.deepEqual(((await reply.ended) as { result: Record<string, unknown> }).result, { tools: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
  assert.equal(reply.sent.length, 0);
});

test('an answer given before the server is known (a denial while it starts) is not held back', () => {
  const t = target(() => new Promise(() => undefined), (forwarded, reply) => reply.end({ jsonrpc: '2.0', id: forwarded.id, result: { content: [], isError: true } }));
  const reply = new RecordingReply();
  serveModernRequest(t, request('tools/call', { name: 'x' }), reply);
  assert.deepEqual(reply.final, { jsonrpc: '2.0', id: 7, result: { content: [], isError: true, resultType: 'complete' } });
});
