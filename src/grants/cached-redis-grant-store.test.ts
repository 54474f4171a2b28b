// The grant cache in front of Redis, on a real Redis: the shared contract still holds, an announced
// revoke is refused at once, and a cached grant is never served past REDIS_GRANT_CACHE_MAX_AGE_MS
// nor while the subscription is down (a Redis that cannot answer is refused, never trusted).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../lib/clock.js';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, snapshotKeys, startRedisServer, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { waitFor } from '../../test/helpers/tool-calls.js';
import { createRedisConnection, type RedisConnection } from '../state/redis-connection.js';
import { createRedisSubscriber, type RedisSubscriber } from '../state/redis-subscriber.js';
import { createCachedGrantStore, type CachedGrantStore } from './cached-grant-store.js';
import { runGrantStoreContract } from './grant-store.contract.js';
import type { GrantStore } from './grant-store.js';
import { createRedisGrantStore, REDIS_GRANT_CACHE_MAX_AGE_MS } from './redis-grant-store.js';

interface Replica {
  /** The gateway's store: cached, listening for revokes. */
  cached: CachedGrantStore;
  /** Another process on the same Redis (the CLI): no subscriber, no cache. */
  cli: GrantStore;
  subscriber: RedisSubscriber;
  close(): Promise<void>;
}

/** `announcementsLateByMs`: revoke announcements reach the replica this much later than Redis sends
 *  them, so a test can tell the cache's own forgetting from the announcement's. */
async function openReplica(url: string, keyPrefix: string, clock: ManualClock, timeoutMs = 2_000, announcementsLateByMs = 0): Promise<Replica> {
  const connections: RedisConnection[] = [0, 1].map(() => createRedisConnection({ url, timeoutMs, label: 'test' }));
  const subscriber = createRedisSubscriber({ url });
  const heard: RedisSubscriber =
    announcementsLateByMs === 0
      ? subscriber
      : { ...subscriber, listen: (channel, listener) => subscriber.listen(channel, (message) => void setTimeout(() => listener(message), announcementsLateByMs)) };
  const store = createRedisGrantStore({ connection: connections[0]!, keyPrefix, subscriber: heard, clock });
  const cached = createCachedGrantStore({ store, clock });
  for (const connection of connections) assert.ok(await connection.ready(5_000));
  assert.ok(await subscriber.ready(5_000));
  return {
    cached,
    cli: createRedisGrantStore({ connection: connections[1]!, keyPrefix, clock }),
    subscriber,
    close: async () => {
      cached.close();
      await subscriber.close();
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

async function until(what: string, condition: () => boolean, withinMs = 2_000): Promise<void> {
  await waitFor(what, condition, withinMs);
}

if (await requireRedis()) {
  const admin = redisClient();
  after(() => admin.quit());

  runGrantStoreContract('redis behind the grant cache', async (clock) => {
    const keyPrefix = randomKeyPrefix('grant-cache');
    const replica = await openReplica(TEST_REDIS_URL, keyPrefix, clock);
    // Listeners run in the order they were added: the cache's own (added when it was made) first.
    const announced = new Set<string>();
    const stopWatching = replica.cached.watchRevocations!({ revoked: (id) => announced.add(id), resync: () => undefined });
    return {
      store: replica.cached,
      other: replica.cli,
      // A replica learns of a revoke made elsewhere by its announcement, a moment after the revoke.
      revokeAnnounced: (grantId) => until(`the revoke of ${grantId} to be announced`, () => announced.has(grantId)),
      storedValues: async () => {
        const snapshot = await snapshotKeys(admin, keyPrefix);
        const hashes = await Promise.all(Object.keys(snapshot).filter((key) => snapshot[key] === 'hash').map((key) => admin.hgetall(key)));
        return [...Object.keys(snapshot), ...Object.values(snapshot).map(String), ...hashes.flatMap((h) => Object.values(h))];
      },
      close: async () => {
        stopWatching();
        await replica.close();
        await deleteKeys(admin, keyPrefix);
      },
    };
  });

  describe('grant cache over Redis', () => {
    test('a revoke announced by another process is refused by the cache at once', async () => {
      const keyPrefix = randomKeyPrefix('grant-cache');
      // The clock never moves: only the announcement can end the cached entry.
      const replica = await openReplica(TEST_REDIS_URL, keyPrefix, createManualClock());
      try {
        const { grant, token } = await replica.cli.create({ name: 'agent', servers: ['*'] });
        assert.equal((await replica.cached.authenticate(token))?.id, grant.id);
        assert.equal(replica.cached.cachedGrants, 1);
        await replica.cli.revoke('agent');
        await until('the announcement to drop the cached grant', () => replica.cached.cachedGrants === 0, 1_000);
        assert.equal(await replica.cached.authenticate(token), undefined);
      } finally {
        await replica.close();
        await deleteKeys(admin, keyPrefix);
      }
    });

    test('a revoke through the replica\'s own store is refused at the next authenticate, before its announcement returns', async () => {
      const keyPrefix = randomKeyPrefix('grant-cache');
      const replica = await openReplica(TEST_REDIS_URL, keyPrefix, createManualClock(), 2_000, 500);
      try {
        const { token } = await replica.cli.create({ name: 'agent', servers: ['*'] });
        assert.ok(await replica.cached.authenticate(token));
        // The announcement reaches this replica 500 ms late: only the cache's own forgetting can refuse.
        const checked = Promise.resolve(replica.cached.revoke('agent')).then(() => replica.cached.authenticate(token));
        assert.equal(await checked, undefined);
      } finally {
        await replica.close();
        await deleteKeys(admin, keyPrefix);
      }
    });

    test(`a Redis that stops answering: cached grants are served at most ${REDIS_GRANT_CACHE_MAX_AGE_MS} ms, then refused`, async () => {
      const server = await startRedisServer();
      const clock = createManualClock();
      const replica = await openReplica(server.url, 'grant-cache:', clock, 300);
      try {
        const { token } = await replica.cli.create({ name: 'agent', servers: ['*'] });
        assert.ok(await replica.cached.authenticate(token));
        server.pause();
        // A hung Redis keeps its connections open, so nothing tells the replica: the age bound does.
        assert.ok(await replica.cached.authenticate(token), 'answered from the cache without Redis');
        clock.advance(REDIS_GRANT_CACHE_MAX_AGE_MS);
        await assert.rejects(async () => replica.cached.authenticate(token), /timed out|did not answer/);
        assert.equal(replica.cached.cachedGrants, 0);
      } finally {
        server.resume();
        await replica.close();
        await server.stop();
      }
    });

    test('a subscription that is down: nothing is served from the cache (a Redis gone is refused at once)', async () => {
      const server = await startRedisServer();
      const replica = await openReplica(server.url, 'grant-cache:', createManualClock(), 300);
      try {
        const { token } = await replica.cli.create({ name: 'agent', servers: ['*'] });
        assert.ok(await replica.cached.authenticate(token));
        await server.stop();
        await until('the subscriber to notice', () => !replica.subscriber.isLive());
        await assert.rejects(async () => replica.cached.authenticate(token));
        assert.equal(replica.cached.cachedGrants, 0);
      } finally {
        await replica.close();
      }
    });

    test('after the subscription was lost and made again, the cache starts empty (announcements were missed)', async () => {
      const server = await startRedisServer();
      const replica = await openReplica(server.url, 'grant-cache:', createManualClock());
      const serverAdmin = redisClient(server.url);
      try {
        const { token } = await replica.cli.create({ name: 'agent', servers: ['*'] });
        assert.ok(await replica.cached.authenticate(token));
        const resubscribed = new Promise<void>((resolve) => {
          const stop = replica.subscriber.onSubscribed(() => {
            stop();
            resolve();
          });
        });
        // A private server: killing every subscriber there touches nobody else's tests.
        assert.equal(await serverAdmin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'), 1);
        await resubscribed;
        assert.equal(replica.cached.cachedGrants, 0);
        assert.ok(await replica.cached.authenticate(token), 'the grant is still good: asked again');
      } finally {
        await serverAdmin.quit();
        await replica.close();
        await server.stop();
      }
    });
  });
}
