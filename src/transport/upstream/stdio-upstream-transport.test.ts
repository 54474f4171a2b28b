// The upstream stdio transport against real child processes: messages in and out, bad lines skipped,
// and a line over the bound ending the connection at once, with the child stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StdioUpstreamTransport } from './stdio-upstream-transport.js';

/** A child running `script` with node; what it receives, and its lifecycle, are recorded. */
function child(script: string, maxMessageBytes = 1024) {
  const stderr: string[] = [];
  const transport = new StdioUpstreamTransport({ command: process.execPath, args: ['-e', script], env: {}, maxMessageBytes, onStderrLine: (line) => stderr.push(line) });
  const messages: JSONRPCMessage[] = [];
  const errors: string[] = [];
  let closedAt: number | undefined;
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      closedAt = Date.now();
      resolve();
    };
  });
  transport.onmessage = (message) => void messages.push(message);
  transport.onerror = (error) => void errors.push(error.message);
  return { transport, messages, errors, stderr, closed, closedAt: () => closedAt };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('messages cross both ways; a line split across writes is one message; a bad line is reported and skipped', async () => {
  const echo = `
    let buffer = '';
    process.stdin.on('data', (chunk) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\\n'); i !== -1; i = buffer.indexOf('\\n')) {
        const request = JSON.parse(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        const answer = JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { echoed: request.method } });
        process.stdout.write('not json\\n' + answer.slice(0, 10));
        setTimeout(() => process.stdout.write(answer.slice(10) + '\\r\\n'), 20);
        process.stderr.write('saw ' + request.method + '\\n');
      }
    });`;
  const run = child(echo);
  await run.transport.start();
  await run.transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
  while (run.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(run.messages, [{ jsonrpc: '2.0', id: 1, result: { echoed: 'ping' } }]);
  assert.equal(run.errors.length, 1);
  assert.match(run.errors[0]!, /not a JSON-RPC message/);
  await run.transport.close();
  await run.closed;
  assert.deepEqual(run.stderr, ['saw ping']);
  await assert.rejects(run.transport.send({ jsonrpc: '2.0', id: 2, method: 'ping' }), /Not connected/);
});

test('a line over the bound closes the connection at once, names the bound, and the child is stopped', async () => {
  // Writes an over-long line and keeps running: the close is reported without waiting for an exit.
  const run = child(`process.stdout.write('{"jsonrpc":"2.0","id":1,"result":{"text":"' + 'x'.repeat(5000)); setInterval(() => {}, 1000);`);
  await run.transport.start();
  const pid = run.transport.pid!;
  await run.closed;
  assert.deepEqual(run.errors, ['the upstream message exceeded 1024 bytes (a line on the server\'s stdout)']);
  assert.deepEqual(run.messages, []);
  const deadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(isAlive(pid), false, 'the child still runs');
  await assert.rejects(run.transport.send({ jsonrpc: '2.0', id: 2, method: 'ping' }), /Not connected/);
});

test('a child that exits closes the transport; one that cannot start rejects start()', async () => {
  const run = child('process.exit(0)');
  await run.transport.start();
  await run.closed;
  const missing = new StdioUpstreamTransport({ command: '/nonexistent/server', args: [], env: {}, maxMessageBytes: 1024 });
  missing.onerror = () => undefined;
  await assert.rejects(missing.start(), /ENOENT/);
});
