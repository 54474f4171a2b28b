// Three `toolgate serve` processes on one Redis and one key prefix, 64 SDK clients spread over them:
// a limit of 100 lets exactly 100 of 1,000 calls reach the counting server, 20 runs out of 20; a
// spend cap is never passed; a busy count served from leases (max 2,000) is never passed, and once
// the leases have ended exactly max have reached the server; invalid amounts change no counter; replicas whose clocks are 30 s
// apart still admit exactly max (windows follow Redis TIME). The replicas run `auth: none` on
// loopback: `scope: server` budgets do not depend on grants (shared grants: redis-approvals-grants).
// Each run starts from a fresh budget by deleting the run's keys; the processes are reused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LEASE_TTL_MS } from '../../src/state/counter-leases.js';
import { createRedisCounterStore, type RedisCounterStore } from '../../src/state/redis-counter-store.js';
import { deleteKeys, randomKeyPrefix, redisClient, requireRedis, snapshotKeys, TEST_REDIS_URL } from '../helpers/redis.js';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { startCountingHttp, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertDenied, call, createCallLog, metaOf, textOf, waitFor, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const REPLICAS = 3;
const CLIENTS = 64;
const CALLS = 1_000;
const MAX = 100;
const CAP = 1_000;
const REPEATS = 20;
/** High enough that replicas take leases (decision 019). */
const BUSY_MAX = 2_000;

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: { limits: [{ counter: 'everyone', window: 3600, max: MAX, scope: 'server' }] },
    echo: { limits: [{ counter: 'busy', window: 'hour', max: BUSY_MAX, scope: 'server' }] },
    spend: {
      limits: [
        { counter: 'budget', window: 'day', max: CAP, scope: 'server', increment_from: 'args.amount', integer: true },
        { counter: 'spend_calls', window: 3600, max: 1_000_000, scope: 'server' },
      ],
    },
    // The clock-skew test: a sliding window shorter than the skew, and a calendar minute.
    read_data: { limits: [{ counter: 'skew_sliding', window: 20, max: MAX, scope: 'server' }] },
    write_data: { limits: [{ counter: 'skew_minute', window: 'minute', max: MAX, scope: 'server' }] },
  },
};

function tally(results: readonly ToolResult[]): { allowed: number; rateLimited: number; other: string[] } {
  let allowed = 0;
  let rateLimited = 0;
  const other: string[] = [];
  for (const result of results) {
    const meta = metaOf(result);
    if (meta === undefined && result.isError !== true) allowed += 1;
    else if (meta?.decision === 'rate_limited' && result.isError === true) rateLimited += 1;
    else other.push(textOf(result));
  }
  return { allowed, rateLimited, other };
}

/** All calls at once, call i on client i mod 64 (so on replica i mod 64 mod 3). */
function burst(clients: readonly Client[], tool: string, args: (i: number) => Record<string, unknown>): Promise<ToolResult[]> {
  return Promise.all(Array.from({ length: CALLS }, (_, i) => call(clients[i % clients.length]!, tool, args(i))));
}

/** Waits out the end of a calendar window when fewer than `needMs` of it are left. */
async function roomInWindow(unitMs: number, needMs: number): Promise<void> {
  const left = unitMs - (Date.now() % unitMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

interface Cluster {
  replicas: ServeProcess[];
  clients: Client[];
}

async function startCluster(dir: string, label: string, prefix: string, upstream: string, offsets: readonly number[]): Promise<Cluster> {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify(POLICY));
  const config = { auth: 'none', state: { url: TEST_REDIS_URL, keyPrefix: prefix, timeout: '2s' }, servers: { bank: { url: upstream, policy } } };
  const replicas = await Promise.all(
    offsets.map((offset, i) => startServeProcess(dir, `${label}-${i}`, config, { TOOLGATE_CLOCK_OFFSET_MS: String(offset) })),
  );
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i += 8) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(8, CLIENTS - i) }, (_, j) => replicas[(i + j) % replicas.length]!.connect('bank')))));
  }
  return { replicas, clients };
}

if (await requireRedis()) {
  let dir: TempDir;
  let log: CallLog;
  let upstream: HttpFixture;
  const admin = redisClient();
  const prefixes: string[] = [];

  before(async () => {
    dir = makeTempDir('redis-replicas');
    log = createCallLog(dir.path);
    upstream = await startCountingHttp({ COUNTING_SERVER_LOG: log.path });
  });
  after(async () => {
    await upstream?.stop();
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
    dir?.cleanup();
  });

  describe(`${REPLICAS} replicas on one Redis, ${CLIENTS} clients, ${CALLS} calls per run`, () => {
    const prefix = randomKeyPrefix('replicas');
    prefixes.push(prefix);
    let cluster: Cluster;
    let store: RedisCounterStore;

    before(async () => {
      cluster = await startCluster(dir.path, 'replica', prefix, upstream.url, [0, 0, 0]);
      store = createRedisCounterStore({ url: TEST_REDIS_URL, keyPrefix: prefix });
      assert.ok(await store.ready(5_000));
    });
    after(async () => {
      await store?.close();
      await Promise.all(cluster?.replicas.map((replica) => replica.stop()) ?? []);
    });

    test(`max ${MAX}: exactly ${MAX} calls reach the server, in ${REPEATS} runs out of ${REPEATS}`, async (t) => {
      const timings: number[] = [];
      for (let run = 0; run < REPEATS; run++) {
        await deleteKeys(admin, prefix); // a fresh budget for each run
        const before = log.count('count');
        const started = Date.now();
        const { allowed, rateLimited, other } = tally(await burst(cluster.clients, 'count', (i) => ({ run, i })));
        timings.push(Date.now() - started);
        assert.deepEqual(other, [], `run ${run}`);
        assert.equal(allowed, MAX, `run ${run}: admitted`);
        assert.equal(rateLimited, CALLS - MAX, `run ${run}: rate-limited`);
        assert.equal(log.count('count') - before, MAX, `run ${run}: counted by the server itself`);
      }
      t.diagnostic(`${REPEATS}/${REPEATS} runs exact; ms per run of ${CALLS} calls: ${timings.join(' ')}`);
    });

    test(`a busy count, max ${BUSY_MAX}, served from leases: never passed; once the leases end, exactly max`, async (t) => {
      await roomInWindow(3_600_000, 60_000);
      const busy = { key: 'bank\u0000server\u0000\u0000busy', window: { kind: 'calendar', unit: 'hour' } } as const;
      const firstBursts: number[] = [];
      for (let run = 0; run < 2; run++) {
        await deleteKeys(admin, prefix);
        const before = log.count('echo');
        const first = tally(await Promise.all(Array.from({ length: 3_000 }, (_, i) => call(cluster.clients[i % CLIENTS]!, 'echo', { run, i }))));
        assert.deepEqual(first.other, [], `run ${run}`);
        assert.ok(first.allowed <= BUSY_MAX, `run ${run}: ${first.allowed} admitted`);
        firstBursts.push(first.allowed);
        // Units a replica still holds in a lease go back when it ends (LEASE_TTL_MS after its grant at
        // most); then Redis counts only the calls, and the rest of the budget is there. Polled: on a
        // loaded machine a replica's timer or its give-back may come late.
        await waitFor(`run ${run}: Redis to count only the ${first.allowed} admitted calls, no leased unit`, async () => (await store.peek(busy)) === first.allowed, 10 * LEASE_TTL_MS);
        const second = tally(await burst(cluster.clients, 'echo', (i) => ({ run, i, again: true })));
        assert.deepEqual(second.other, [], `run ${run}`);
        assert.equal(first.allowed + second.allowed, BUSY_MAX, `run ${run}: ${first.allowed} + ${second.allowed}`);
        assert.equal(log.count('echo') - before, BUSY_MAX, `run ${run}: counted by the server itself`);
        assert.equal(await store.peek(busy), BUSY_MAX);
      }
      t.diagnostic(`admitted by the first burst of 3,000: ${firstBursts.join(', ')} (the rest once the leases ended)`);
    });

    test(`spend cap ${CAP}: the admitted sum never exceeds it, in ${REPEATS} runs`, async (t) => {
      await roomInWindow(86_400_000, 5 * 60_000);
      const sums: number[] = [];
      for (let run = 0; run < REPEATS; run++) {
        await deleteKeys(admin, prefix);
        const before = log.count('spend');
        let seed = 17 + run;
        const amounts = Array.from({ length: CALLS }, () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
          return 1 + (seed % 10);
        });
        const results = await burst(cluster.clients, 'spend', (i) => ({ amount: amounts[i] }));
        const { allowed, other } = tally(results);
        assert.deepEqual(other, []);
        const admitted = results.map((result, i) => (metaOf(result) === undefined && !result.isError ? amounts[i]! : 0));
        const sum = admitted.reduce((a, b) => a + b, 0);
        sums.push(sum);
        assert.ok(sum <= CAP, `run ${run}: admitted ${sum} > cap ${CAP}`);
        assert.equal(log.count('spend') - before, allowed, `run ${run}: counted by the server`);
        assert.equal(await store.peek({ key: 'bank\u0000server\u0000\u0000budget', window: { kind: 'calendar', unit: 'day' } }), sum);
        // A refused 1 means nothing was left at that moment, and budgets only shrink: the cap was met.
        const refusedOne = results.some((result, i) => amounts[i] === 1 && metaOf(result)?.decision === 'rate_limited');
        if (refusedOne) assert.equal(sum, CAP, `run ${run}: a 1 was refused below the cap`);
      }
      t.diagnostic(`admitted sums: ${sums.join(' ')}`);
    });

    test('invalid amounts are denied and change no counter', async () => {
      await deleteKeys(admin, prefix);
      const client = cluster.clients[1]!;
      assertAllowed(await call(client, 'spend', { amount: 3 }));
      // The answered call's reservation record is deleted in a batch (20 ms) after it: let it go first.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const counters = await snapshotKeys(admin, prefix);
      assert.ok(Object.keys(counters).length >= 3, 'the valid call left counters to compare');
      const reached = log.count('spend');
      for (const amount of [-5, 0.5, Number.NaN, '5', '1e309', null, { value: 5 }]) {
        assertDenied(await call(client, 'spend', { amount }), 'tools.spend.limits[0].increment_from', /^\[POLICY DENIED\] args\.amount must be a whole number/);
      }
      // What an SDK cannot send: literal NaN (not JSON) and 1e309 (beyond a double), as raw bytes.
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
      for (const literal of ['NaN', '1e309', '-1e309', '"Infinity"']) {
        const response = await fetch(`${cluster.replicas[1]!.url}/mcp/bank`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
          body: `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"spend","arguments":{"amount":${literal}}}}`,
        });
        const json = (await response.json()) as { error?: { code: number }; result?: ToolResult };
        const refused = json.error !== undefined || (json.result?.isError === true && metaOf(json.result)?.decision === 'deny');
        assert.ok(refused, `${literal}: ${JSON.stringify(json)}`);
      }
      assert.deepEqual(await snapshotKeys(admin, prefix), counters, 'no counter changed');
      assert.equal(log.count('spend'), reached, 'nothing reached the server');
    });
  });

  describe('replicas whose clocks are 30 s apart', () => {
    const prefix = randomKeyPrefix('skew');
    prefixes.push(prefix);
    let cluster: Cluster;

    before(async () => {
      cluster = await startCluster(dir.path, 'skewed', prefix, upstream.url, [0, 30_000, -30_000]);
    });
    after(async () => {
      await Promise.all(cluster?.replicas.map((replica) => replica.stop()) ?? []);
    });

    for (const [tool, window] of [['read_data', 'a 20 s sliding window'], ['write_data', 'a calendar minute']] as const) {
      test(`${window}: still exactly ${MAX} admitted`, async () => {
        // With local clocks, 30 s of skew puts the replicas in different minutes (or leaves their
        // sliding entries outside each other's 20 s): each would admit its own ${MAX}.
        await roomInWindow(60_000, 15_000);
        for (let run = 0; run < 3; run++) {
          await deleteKeys(admin, prefix);
          const before = log.count(tool);
          const { allowed, other } = tally(await burst(cluster.clients, tool, (i) => ({ key: `k${i}` })));
          assert.deepEqual(other, []);
          assert.equal(allowed, MAX, `run ${run}`);
          assert.equal(log.count(tool) - before, MAX);
        }
      });
    }
  });
}
