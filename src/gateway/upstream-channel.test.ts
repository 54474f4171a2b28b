// The upstream channel's restart wait: a server that keeps failing to start is retried later and
// later, and closing the channel (a gateway stop) does not wait out that delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../lib/logger.js';
import { UpstreamChannel } from './upstream-channel.js';

test('close does not wait out the restart delay of a server that keeps failing to start', async () => {
  let starts = 0;
  const channel = new UpstreamChannel({
    server: 'broken',
    // A server that cannot be started (the command is missing, the URL refuses).
    connect: () => {
      starts += 1;
      return Promise.reject(new Error('cannot start'));
    },
    requestTimeoutMs: 5_000,
    logger: silentLogger,
  });
  const seat = channel.join({ deliver: () => undefined });
  const ping = (id: number) => seat.forward({ jsonrpc: '2.0', id, method: 'ping' });
  // Failures in a row: 100, 200, 400, 800 ms before the next starts; the fifth waits 1.6 s.
  for (let id = 1; id <= 5; id++) assert.equal((await ping(id)).kind, 'not_delivered');
  assert.equal(starts, 5);
  const waiting = ping(6);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await channel.close();
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 500, `close took ${tookMs} ms`);
  assert.equal((await waiting).kind, 'failed'); // ended with the channel, like every request it held
  assert.equal(starts, 5, 'nothing was started after the close');
});
