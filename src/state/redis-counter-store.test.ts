// Runs the shared counter-store contract against a real Redis (each store on its own key prefix,
// time driven by the contract's manual clock), then what only Redis gives: one budget for several
// stores on Redis's clock whatever their own clocks say, the script cache lost, and faults.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../lib/clock.js';
import type { LimitRequest } from '../policy/types.js';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, startRedisServer, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import type { CounterStore } from './counter-store.js';
import { runCounterStoreContract } from './counter-store.contract.js';
import { createRedisCounterStore, type RedisCounterStore } from './redis-counter-store.js';

if (await requireRedis()) {
  const admin = redisClient();
  after(() => admin.quit());
  const prefixes = new Map<CounterStore, string>();

  runCounterStoreContract(
    'redis',
    async (clock) => {
      const keyPrefix = randomKeyPrefix('contract');
      const store = createRedisCounterStore({ url: TEST_REDIS_URL, keyPrefix, timeSource: 'clock', clock });
      assert.ok(await store.ready(5_000), 'redis connection');
      prefixes.set(store, keyPrefix);
      return store;
    },
    async (store) => {
      await deleteKeys(admin, prefixes.get(store)!);
      prefixes.delete(store);
    },
  );

  const limit = (key: string, window: LimitRequest['window'], max: number, amount = 1): LimitRequest => ({ key, counter: key, window, max, amount, rule: 'tools.send.limits[0]' });

  async function withStores(count: number, body: (stores: RedisCounterStore[], prefix: string) => Promise<void>, options: Partial<Parameters<typeof createRedisCounterStore>[0]>[] = []) {
    const keyPrefix = randomKeyPrefix('redis');
    const stores = Array.from({ length: count }, (_, i) => createRedisCounterStore({ url: TEST_REDIS_URL, keyPrefix, ...options[i] }));
    try {
      for (const store of stores) assert.ok(await store.ready(5_000));
      await body(stores, keyPrefix);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await deleteKeys(admin, keyPrefix);
    }
  }

  describe('redis counter store', () => {
    test('replicas with clocks 30 s apart share one budget on Redis time', () =>
      withStores(
        3,
        async (stores) => {
          for (const window of [{ kind: 'sliding', seconds: 20 }, { kind: 'calendar', unit: 'minute' }] as const) {
            const request = limit(`skew-${window.kind}`, window, 50);
            const results = await Promise.all(Array.from({ length: 300 }, (_, i) => stores[i % 3]!.reserve([request])));
            assert.equal(results.filter((result) => result.kind === 'reserved').length, 50, window.kind);
          }
        },
        // Their own clocks are ignored with timeSource 'redis' (the default).
        [0, 30_000, -30_000].map((offset) => ({ clock: { now: () => Date.now() + offset } })),
      ));

    test('the same replicas on their own skewed clocks would pass the limit (why Redis time)', () =>
      withStores(
        2,
        async (stores) => {
          const request = limit('skew-local', { kind: 'sliding', seconds: 20 }, 50);
          const results = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 2]!.reserve([request])));
          assert.ok(results.filter((result) => result.kind === 'reserved').length > 50);
        },
        [0, 30_000].map((offset) => ({ timeSource: 'clock' as const, clock: { now: () => Date.now() + offset } })),
      ));

    test('a lost script cache (SCRIPT FLUSH, a restart) costs nothing: EVAL takes over', () =>
      withStores(1, async ([store]) => {
        const request = limit('flush', { kind: 'calendar', unit: 'day' }, 2);
        assert.equal((await store!.reserve([request])).kind, 'reserved');
        await admin.script('FLUSH');
        const second = await store!.reserve([request]);
        assert.equal(second.kind, 'reserved');
        await admin.script('FLUSH');
        if (second.kind === 'reserved') await store!.rollback(second.reservation);
        assert.equal(await store!.peek(request), 1);
      }));

    test('keys carry the prefix and expire with their window; settled reservations leave no record', () =>
      withStores(1, async ([store], prefix) => {
        const calendar = limit('ttl', { kind: 'calendar', unit: 'hour' }, 5);
        const sliding = limit('ttl', { kind: 'sliding', seconds: 30 }, 5);
        const held = await store!.reserve([calendar, sliding]);
        assert.equal(held.kind, 'reserved');
        const keys = await admin.keys(`${prefix}*`);
        assert.equal(keys.length, 4, keys.join(', '));
        for (const key of keys) {
          const ttl = await admin.pttl(key);
          assert.ok(ttl > 0 && ttl <= 3_600_000 + 1_000, `${key} ttl ${ttl}`);
        }
        if (held.kind === 'reserved') await store!.commit(held.reservation);
        // Committed records are deleted in a batch shortly after.
        const deadline = Date.now() + 2_000;
        while ((await admin.keys(`${prefix}rsv:*`)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        assert.deepEqual((await admin.keys(`${prefix}rsv:*`)).length, 0);
      }));

    test('amounts that are not finite non-negative numbers change nothing, even with a valid counter beside them', () =>
      withStores(1, async ([store]) => {
        const ok = limit('mixed-ok', { kind: 'calendar', unit: 'day' }, 10);
        for (const amount of [-5, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number, null as unknown as number]) {
          const result = await store!.reserve([ok, limit('mixed-bad', { kind: 'sliding', seconds: 60 }, 10, amount)]);
          assert.equal(result.kind, 'unavailable', String(amount));
        }
        assert.equal(await store!.peek(ok), 0);
      }));
  });

  describe('redis counter store faults', () => {
    test('a paused Redis: refused within the timeout, then counting again with nothing lost', async () => {
      const server = await startRedisServer();
      const store = createRedisCounterStore({ url: server.url, keyPrefix: 'f:', timeoutMs: 300 });
      try {
        assert.ok(await store.ready(5_000));
        const request = limit('paused', { kind: 'calendar', unit: 'day' }, 5);
        for (let i = 0; i < 3; i++) assert.equal((await store.reserve([request])).kind, 'reserved');
        server.pause();
        const started = Date.now();
        const refused = await Promise.all(Array.from({ length: 10 }, () => store.reserve([request])));
        const took = Date.now() - started;
        for (const result of refused) assert.deepEqual(result, { kind: 'unavailable', reason: 'redis did not answer within 300 ms' });
        assert.ok(took < 1_500, `took ${took} ms`);
        server.resume();
        // The refused reserves ran once Redis woke up, and their rollbacks right after them.
        assert.equal(await store.peek(request), 3);
        assert.equal((await store.reserve([request])).kind, 'reserved');
        assert.equal((await store.reserve([request])).kind, 'reserved');
        assert.equal((await store.reserve([request])).kind, 'exceeded');
      } finally {
        await store.close();
        await server.stop();
      }
    });

    test('a stopped Redis: refused at once; a restarted one: counting again after reconnecting', async () => {
      const server = await startRedisServer();
      const store = createRedisCounterStore({ url: server.url, keyPrefix: 'f:', timeoutMs: 300 });
      try {
        assert.ok(await store.ready(5_000));
        const request = limit('stopped', { kind: 'calendar', unit: 'day' }, 5);
        assert.equal((await store.reserve([request])).kind, 'reserved');
        await server.stop();
        const started = Date.now();
        const refused = await store.reserve([request]);
        assert.equal(refused.kind, 'unavailable');
        assert.match((refused as { reason: string }).reason, /^redis /);
        assert.ok(Date.now() - started < 500);
        const again = await startRedisServer({ port: server.port });
        try {
          assert.ok(await store.ready(5_000), 'reconnected');
          assert.equal((await store.reserve([request])).kind, 'reserved');
        } finally {
          await again.stop();
        }
      } finally {
        await store.close();
      }
    });
  });
}
