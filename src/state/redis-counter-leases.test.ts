// Leases in the Redis counter store, against a real Redis (decision 019): the shared lease contract
// (stores on one key prefix, totals read straight from Redis), then what only Redis has: a reserve
// that Redis did not answer in time, and `leases: false`.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, startRedisServer, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { waitFor } from '../../test/helpers/tool-calls.js';
import { runLeaseContract } from './counter-leases.contract.js';
import { HOUR, limit, mustReserve } from './counter-store.contract.js';
import { createRedisCounterStore } from './redis-counter-store.js';

if (await requireRedis()) {
  const admin = redisClient();
  const prefixes: string[] = [];
  after(async () => {
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
  });

  /** Every calendar window's total under `prefix`, oldest window first (keys sort by window index). */
  async function calendarTotals(prefix: string): Promise<number[]> {
    const keys = (await admin.keys(`${prefix}cal:*`)).sort();
    return Promise.all(keys.map(async (key) => Number(await admin.get(key))));
  }

  runLeaseContract('redis', async (count, clock) => {
    const keyPrefix = randomKeyPrefix('leases');
    prefixes.push(keyPrefix);
    const time = clock ? ({ timeSource: 'clock', clock } as const) : {};
    const stores = Array.from({ length: count }, () => createRedisCounterStore({ url: TEST_REDIS_URL, keyPrefix, ...time }));
    for (const store of stores) assert.ok(await store.ready(5_000));
    return { stores, totals: () => calendarTotals(keyPrefix), cleanup: async () => void (await deleteKeys(admin, keyPrefix)) };
  });

  describe('redis counter leases', () => {
    test('with leases: false every call is counted in Redis', async () => {
      const keyPrefix = randomKeyPrefix('leases-off');
      prefixes.push(keyPrefix);
      const store = createRedisCounterStore({ url: TEST_REDIS_URL, keyPrefix, leases: false });
      try {
        assert.ok(await store.ready(5_000));
        for (let i = 0; i < 3; i++) await mustReserve(store, [limit('off', HOUR, 1_000_000)]);
        assert.deepEqual(await calendarTotals(keyPrefix), [3]);
      } finally {
        await store.close();
      }
    });

    test('a reserve Redis did not answer in time leaves neither its count nor its lease behind', async () => {
      const server = await startRedisServer();
      const store = createRedisCounterStore({ url: server.url, keyPrefix: 'l:', timeoutMs: 300 });
      const direct = redisClient(server.url);
      try {
        assert.ok(await store.ready(5_000));
        await mustReserve(store, [limit('loads-the-script', HOUR, 1_000_000)]); // else the paused EVALSHA would meet NOSCRIPT
        const request = limit('paused', HOUR, 1_000_000);
        server.pause();
        assert.deepEqual(await store.reserve([request]), { kind: 'unavailable', reason: 'redis did not answer within 300 ms' });
        server.resume();
        // The rollback is queued behind the late script on the store's connection, but its first
        // EVALSHA meets NOSCRIPT on this fresh Redis and is sent again as EVAL: polled, not read once.
        await waitFor('the late script to run and its rollback, lease included, to take its count back to 0', async () => {
          const keys = await direct.keys('l:cal:*:paused');
          return keys.length === 1 && Number(await direct.get(keys[0]!)) === 0;
        });
        await mustReserve(store, [request]);
        assert.equal(await store.peek(request), 1);
      } finally {
        await store.close();
        direct.disconnect();
        await server.stop();
      }
    });
  });
}
