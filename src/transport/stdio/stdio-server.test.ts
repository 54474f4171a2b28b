// The stdio transport's line rules: a line over the bound is refused however it arrives, a line that
// is not UTF-8 is refused, and a character cut between chunks is put back together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { JsonRpcMessage, JsonRpcRequest } from '../../protocol/jsonrpc.js';
import { serveStdio } from './stdio-server.js';

function harness(maxLineBytes: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const requests: JsonRpcRequest[] = [];
  const answers: JsonRpcMessage[] = [];
  let pending = '';
  output.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) answers.push(JSON.parse(line) as JsonRpcMessage);
  });
  serveStdio({ handleRequest: (request) => void requests.push(request), handleMessage: () => undefined }, { input, output, maxLineBytes });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { input, requests, answers, settle };
}

const echo = (text: string) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"${text}"}}}`;

test('a line over the bound is refused even when it arrives whole, newline included, in one chunk', async () => {
  const { input, requests, answers, settle } = harness(100);
  input.write(`${echo('x'.repeat(200))}\n`);
  await settle();
  assert.equal(requests.length, 0, 'the over-long line was handled as a request');
  assert.equal(answers.length, 1);
  assert.match(JSON.stringify(answers[0]), /line exceeds 100 bytes/);
  input.write(`${echo('ok')}\n`);
  await settle();
  assert.equal(requests.length, 1, 'the next line is read normally');
});

test('the bound counts bytes, not characters', async () => {
  const { input, requests, answers, settle } = harness(100);
  input.write(`${echo('é'.repeat(30))}\n`); // 30 characters, 60 bytes in the text: 136 bytes in all
  await settle();
  assert.equal(requests.length, 0);
  assert.equal(answers.length, 1);
});

test('a line that is not valid UTF-8 is a parse error, never a message with U+FFFD in it', async () => {
  const { input, requests, answers, settle } = harness(1000);
  const [head, tail] = echo('@').split('@') as [string, string];
  input.write(Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`${tail}\n`)]));
  await settle();
  assert.equal(requests.length, 0);
  assert.match(JSON.stringify(answers[0]), /not valid UTF-8/);
});

test('a character split across two chunks is read whole', async () => {
  const { input, requests, settle } = harness(1000);
  const bytes = Buffer.from(`${echo('é')}\n`);
  const cut = bytes.indexOf(0xc3) + 1;
  input.write(bytes.subarray(0, cut));
  input.write(bytes.subarray(cut));
  await settle();
  assert.equal(requests.length, 1);
  assert.deepEqual(requests[0]!.params, { name: 'echo', arguments: { text: 'é' } });
});
