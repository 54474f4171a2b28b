// The counter stores alone, in this process: microseconds for one call's reserve + commit (the work
// the gateway does per limited call), one call after the other, for memory, SQLite (a file in a temp
// dir, WAL, as the gateway opens it) and Redis (random key prefix, deleted after); SQLite and Redis
// with leases, as the gateway runs them, and without: a write or a round trip per call. Less noisy than the
// end-to-end rows, and it isolates the store from the transport.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/lib/logger.js';
import { openDatabase } from '../src/lib/sqlite.js';
import type { LimitRequest } from '../src/policy/types.js';
import type { CounterStore } from '../src/state/counter-store.js';
import { createMemoryCounterStore } from '../src/state/memory-counter-store.js';
import { createRedisCounterStore } from '../src/state/redis-counter-store.js';
import { createSqliteCounterStore } from '../src/state/sqlite-counter-store.js';
import { median } from './measure.js';
import { deleteKeysWithPrefix, randomKeyPrefix, redisUnreachableReason } from './bench-redis.js';

export interface CounterStoreResult {
  /** `sqlite`, `redis`: as the gateway runs them, the bench's busy counter served from leases
   *  (decision 019); `…-no-leases`: one write transaction / round trip per call. */
  backend: 'memory' | 'sqlite' | 'sqlite-no-leases' | 'redis' | 'redis-no-leases';
  /** Median of the samples' mean wall-clock µs per reserve + commit (includes waiting for Redis). */
  microsPerCall?: number;
  /** Median of the samples' mean CPU µs of this process per reserve + commit: what other work on a
   *  shared machine does not inflate (but a Redis round trip's wait is not in it). */
  cpuMicrosPerCall?: number;
  samples?: number[];
  skipped?: string;
}

interface Sample {
  wallUs: number;
  cpuUs: number;
}

/** What the bench policy reserves on each echo call: one per-minute counter per grant. */
const REQUEST: LimitRequest = {
  key: 'everything|grant|grt_bench|echo_rate',
  counter: 'echo_rate',
  window: { kind: 'calendar', unit: 'minute' },
  max: 1_000_000_000,
  amount: 1,
  rule: 'tools.echo.limits[0]',
};

async function timeStore(store: CounterStore, calls: number, samples: number): Promise<Sample[]> {
  const once = async (): Promise<void> => {
    const result = await store.reserve([REQUEST]);
    if (result.kind !== 'reserved') throw new Error(`counter store answered ${result.kind}`);
    await store.commit(result.reservation);
  };
  // Every 100 calls the loop lets timers run, so work a store defers (Redis deletes committed records
  // in batches on a timer; a lease gives back its unused units when it ends) is counted too, as it
  // would be in the gateway.
  const yieldToTimers = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < Math.min(calls, 500); i++) await once(); // warm-up
  const rates: Sample[] = [];
  for (let s = 0; s < samples; s++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      await once();
      if (i % 100 === 99) await yieldToTimers();
    }
    const wallUs = Number(process.hrtime.bigint() - start) / 1000 / calls;
    const used = process.cpuUsage(cpu);
    rates.push({ wallUs, cpuUs: (used.user + used.system) / calls });
  }
  return rates;
}

function summary(backend: CounterStoreResult['backend'], samples: readonly Sample[]): CounterStoreResult {
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    backend,
    microsPerCall: round(median(samples.map((s) => s.wallUs))),
    cpuMicrosPerCall: round(median(samples.map((s) => s.cpuUs))),
    samples: samples.map((s) => round(s.wallUs)),
  };
}

export async function runCounterStoreBench(options: { calls: number; samples: number; redisUrl: string }): Promise<CounterStoreResult[]> {
  const { calls, samples } = options;
  const results: CounterStoreResult[] = [];
  const memory = createMemoryCounterStore();
  results.push(summary('memory', await timeStore(memory, calls, samples)));
  await memory.close();

  for (const backend of ['sqlite', 'sqlite-no-leases'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-counter-bench-'));
    const db = openDatabase(dir);
    try {
      const sqlite = createSqliteCounterStore({ db, leases: backend === 'sqlite' });
      results.push(summary(backend, await timeStore(sqlite, calls, samples)));
      await sqlite.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const unreachable = await redisUnreachableReason(options.redisUrl);
  for (const backend of ['redis', 'redis-no-leases'] as const) {
    if (unreachable !== undefined) {
      results.push({ backend, skipped: unreachable });
      continue;
    }
    const keyPrefix = randomKeyPrefix();
    const redis = createRedisCounterStore({ url: options.redisUrl, keyPrefix, timeSource: 'redis', leases: backend === 'redis', logger: silentLogger });
    try {
      if (!(await redis.ready(2_000))) results.push({ backend, skipped: `the Redis counter store did not connect to ${options.redisUrl}` });
      else results.push(summary(backend, await timeStore(redis, calls, samples)));
    } finally {
      await redis.close();
      await deleteKeysWithPrefix(options.redisUrl, keyPrefix);
    }
  }
  return results;
}
