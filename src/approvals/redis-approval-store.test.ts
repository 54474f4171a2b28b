// Runs the shared approval-store contract against a real Redis (each store on its own key prefix,
// time from the contract's manual clock), then what only Redis gives: replicas sharing approvals,
// one winner among approvers on different connections, and decisions announced over pub/sub.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../lib/clock.js';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { createRedisConnection, type RedisConnection } from '../state/redis-connection.js';
import { createRedisSubscriber } from '../state/redis-subscriber.js';
import type { ApprovalStore } from './approval-store.js';
import { ASK, runApprovalStoreContract } from './approval-store.contract.js';
import { createRedisApprovalStore, createRedisDecisionFeed } from './redis-approval-store.js';

if (await requireRedis()) {
  const admin = redisClient();
  after(() => admin.quit());
  const opened = new Map<ApprovalStore, { connection: RedisConnection; keyPrefix: string }>();

  runApprovalStoreContract(
    'redis',
    async (clock) => {
      const keyPrefix = randomKeyPrefix('approvals');
      const connection = createRedisConnection({ url: TEST_REDIS_URL, timeoutMs: 2_000, label: 'test' });
      assert.ok(await connection.ready(5_000));
      const store = createRedisApprovalStore({ connection, keyPrefix, timeSource: 'clock', clock });
      opened.set(store, { connection, keyPrefix });
      return store;
    },
    async (store) => {
      const { connection, keyPrefix } = opened.get(store)!;
      await connection.close();
      await deleteKeys(admin, keyPrefix);
      opened.delete(store);
    },
  );

  /** `count` replicas' stores on one prefix, each with its own connection, on Redis time. */
  async function withReplicas(count: number, body: (stores: ApprovalStore[], keyPrefix: string) => Promise<void>): Promise<void> {
    const keyPrefix = randomKeyPrefix('approvals');
    const connections = Array.from({ length: count }, () => createRedisConnection({ url: TEST_REDIS_URL, timeoutMs: 2_000, label: 'test' }));
    try {
      for (const connection of connections) assert.ok(await connection.ready(5_000));
      await body(connections.map((connection) => createRedisApprovalStore({ connection, keyPrefix })), keyPrefix);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
      await deleteKeys(admin, keyPrefix);
    }
  }

  describe('redis approval store', () => {
    test('an approval made on one replica is decided through another; racing approvers on three: one wins', () =>
      withReplicas(3, async ([a, b, c]) => {
        const created = await a!.create(ASK);
        assert.equal((await b!.get(created.id))?.status, 'pending');
        const results = await Promise.all([a!, b!, c!].flatMap((store, i) => [store.decide(created.id, 'approved', `r${i}-x`), store.decide(created.id, 'denied', `r${i}-y`)]));
        assert.equal(results.filter((r) => r.kind === 'decided').length, 1);
        const decided = await c!.get(created.id);
        assert.notEqual(decided?.status, 'pending');
        if (decided?.status === 'approved') {
          const takes = await Promise.all([a!.consume(created.id), b!.consume(created.id), c!.consume(created.id)]);
          assert.equal(takes.filter(Boolean).length, 1, 'one approved call runs, on one replica');
        }
      }));

    test('a decision is published: the feed wakes a listener at once, and says when it (re)subscribed', () =>
      withReplicas(2, async ([a, b], keyPrefix) => {
        const name = `sub-${keyPrefix.split(':')[2]}`;
        const subscriber = createRedisSubscriber({ url: TEST_REDIS_URL, name });
        const decided: string[] = [];
        let resyncs = 0;
        const stop = createRedisDecisionFeed(subscriber, keyPrefix).subscribe({ decided: (id) => decided.push(id), resync: () => (resyncs += 1) });
        try {
          assert.ok(await subscriber.ready(5_000));
          assert.equal(resyncs, 1);
          const { id } = await a!.create(ASK);
          const started = Date.now();
          await b!.decide(id, 'approved', 'bob');
          while (decided.length === 0 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 2));
          assert.deepEqual(decided, [id]);
          assert.ok(Date.now() - started < 100, `notice took ${Date.now() - started} ms`);
          await b!.decide(id, 'denied', 'carol');
          await new Promise((resolve) => setTimeout(resolve, 50));
          assert.deepEqual(decided, [id], 'a decision that lost is not announced');
          // A dropped connection: on reconnect the listener is told to re-read.
          const line = String(await admin.client('LIST')).split('\n').find((entry) => entry.includes(` name=${name} `));
          await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(line ?? '')![1]!);
          const deadline = Date.now() + 5_000;
          while (resyncs < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
          assert.equal(resyncs, 2);
        } finally {
          stop();
          await subscriber.close();
        }
      }));

    test('expiry follows Redis time, whatever the replicas\' clocks say', async () => {
      const keyPrefix = randomKeyPrefix('approvals');
      const connection = createRedisConnection({ url: TEST_REDIS_URL, timeoutMs: 2_000, label: 'test' });
      try {
        assert.ok(await connection.ready(5_000));
        const ahead = createRedisApprovalStore({ connection, keyPrefix, clock: createManualClock(Date.now() + 3_600_000) });
        const { id } = await ahead.create({ ...ASK, timeoutMs: 60_000 });
        const behind = createRedisApprovalStore({ connection, keyPrefix, clock: createManualClock(0) });
        assert.equal((await behind.get(id))?.status, 'pending');
        assert.equal((await behind.decide(id, 'approved', 'alice')).kind, 'decided');
      } finally {
        await connection.close();
        await deleteKeys(admin, keyPrefix);
      }
    });
  });
}
