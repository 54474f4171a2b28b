// The gate that holds a session's messages until the server has answered its GET event stream (so
// what the server sends outside any request is not dropped), and keeps their order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { sendAfterEventStream } from './event-stream-gate.js';

const INITIALIZED: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('after initialized, nothing is sent until the GET is answered; then everything goes, in order', async () => {
  const sent: string[] = [];
  let answerGet: () => void = () => undefined;
  let opened = 0;
  const send = sendAfterEventStream(
    async (message) => void sent.push('id' in message ? `call ${String(message.id)}` : 'initialized'),
    () => {
      opened += 1;
      return new Promise<void>((resolve) => (answerGet = resolve));
    },
  );
  const first = send(call(1));
  await first;
  await send(INITIALIZED);
  const later = [send(call(2)), send(call(3))];
  await tick();
  assert.deepEqual(sent, ['call 1', 'initialized'], 'held while the GET has no answer');
  assert.equal(opened, 1);
  answerGet();
  await Promise.all(later);
  assert.deepEqual(sent, ['call 1', 'initialized', 'call 2', 'call 3']);
});

test('a GET that never answers holds messages only so long', async () => {
  const sent: string[] = [];
  const send = sendAfterEventStream(async (message) => void sent.push('id' in message ? 'call' : 'initialized'), () => new Promise<void>(() => undefined), 150);
  await send(INITIALIZED);
  const held = send(call(1));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(sent, ['initialized'], 'still held');
  await held;
  assert.deepEqual(sent, ['initialized', 'call']);
});

test('a refused initialized opens no stream and holds nothing', async () => {
  let opened = 0;
  const send = sendAfterEventStream(
    async (message) => {
      if (!('id' in message)) throw new Error('HTTP 500');
    },
    async () => void (opened += 1),
  );
  await assert.rejects(send(INITIALIZED), /HTTP 500/);
  await send(call(1));
  assert.equal(opened, 0);
});
