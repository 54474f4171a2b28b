// Grants in Redis: the shared contract (two stores on their own connections, one key prefix), and
// what only Redis gives: a revoke announced to every replica, and a store that cannot answer refusing.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, snapshotKeys, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { createRedisConnection } from '../state/redis-connection.js';
import { createRedisSubscriber } from '../state/redis-subscriber.js';
import { runGrantStoreContract } from './grant-store.contract.js';
import { createRedisGrantStore } from './redis-grant-store.js';

if (await requireRedis()) {
  const admin = redisClient();
  after(() => admin.quit());

  runGrantStoreContract('redis', async (clock) => {
    const keyPrefix = randomKeyPrefix('grants');
    const connections = [0, 1].map(() => createRedisConnection({ url: TEST_REDIS_URL, timeoutMs: 2_000, label: 'test' }));
    for (const connection of connections) assert.ok(await connection.ready(5_000));
    const [store, other] = connections.map((connection) => createRedisGrantStore({ connection, keyPrefix, clock }));
    return {
      store: store!,
      other: other!,
      storedValues: async () => {
        const snapshot = await snapshotKeys(admin, keyPrefix);
        const hashes = await Promise.all(Object.keys(snapshot).filter((key) => snapshot[key] === 'hash').map((key) => admin.hgetall(key)));
        return [...Object.keys(snapshot), ...Object.values(snapshot).map(String), ...hashes.flatMap((h) => Object.values(h))];
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
        await deleteKeys(admin, keyPrefix);
      },
    };
  });

  describe('redis grant store', () => {
    test('a revoke through one replica is announced to the others at once', async () => {
      const keyPrefix = randomKeyPrefix('grants');
      const connection = createRedisConnection({ url: TEST_REDIS_URL, timeoutMs: 2_000, label: 'test' });
      const subscriber = createRedisSubscriber({ url: TEST_REDIS_URL });
      const watcher = createRedisGrantStore({ connection, keyPrefix, subscriber });
      const revoked: string[] = [];
      const stop = watcher.watchRevocations!({ revoked: (id) => revoked.push(id), resync: () => undefined });
      try {
        assert.ok(await connection.ready(5_000));
        assert.ok(await subscriber.ready(5_000));
        const cli = createRedisGrantStore({ connection, keyPrefix });
        const { grant } = await cli.create({ name: 'agent', servers: ['*'] });
        const started = Date.now();
        await cli.revoke('agent');
        while (revoked.length === 0 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 2));
        assert.deepEqual(revoked, [grant.id]);
        assert.ok(Date.now() - started < 100);
        await cli.revoke('agent');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(revoked, [grant.id], 'revoking again announces nothing');
      } finally {
        stop();
        await subscriber.close();
        await connection.close();
        await deleteKeys(admin, keyPrefix);
      }
    });

    test('a Redis that is not there: authenticate rejects within the timeout (the gateway refuses)', async () => {
      const connection = createRedisConnection({ url: 'redis://127.0.0.1:1', timeoutMs: 200, label: 'test' });
      try {
        const store = createRedisGrantStore({ connection, keyPrefix: randomKeyPrefix('grants') });
        const started = Date.now();
        await assert.rejects(async () => store.authenticate(`tg_${'A'.repeat(43)}`));
        await assert.rejects(async () => store.isLive('grt_x'));
        assert.ok(Date.now() - started < 1_000);
      } finally {
        await connection.close();
      }
    });
  });
}
