// Redis faults seen through real `toolgate serve` processes, on a private redis-server (the shared
// one is never stopped). Paused (SIGSTOP: connections open, no answers, like a hung Redis): calls
// are denied with a reason within the configured timeout and nothing they tried to reserve stays
// counted. Stopped: denied at once. Restarted (its append-only file kept): counting again where it
// left off. `failMode: open` lets pure rate limits through uncounted, loudly; spend caps never.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AuditEvent } from '../../src/audit/audit-sink.js';
import { TOOLGATE_CLI } from '../helpers/paths.js';
import { requireRedis, startRedisServer, type RedisServerChild } from '../helpers/redis.js';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertDenied, assertRateLimited, call, countingServer, createCallLog, metaOf, textOf, waitFor, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const TIMEOUT_MS = 500;
const MAX = 20;
/** What a loaded machine may add to the timeout: the gateway, the HTTP hop, the SDK. */
const SLACK_MS = 1_500;

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: { limits: [{ counter: 'calls', window: 3600, max: MAX, scope: 'server' }] },
    spend: { limits: [{ counter: 'budget', window: 'day', max: 1_000, scope: 'server', increment_from: 'args.amount' }] },
  },
};

const UNAVAILABLE = /^\[POLICY DENIED\] the rate-limit store is unavailable, so this call cannot be judged \(redis /;

/** Makes `n` calls at once and returns them with the slowest latency. */
async function timedCalls(client: Client, n: number, tool = 'count', args: Record<string, unknown> = {}): Promise<{ results: ToolResult[]; slowestMs: number }> {
  let slowestMs = 0;
  const results = await Promise.all(
    Array.from({ length: n }, async () => {
      const started = Date.now();
      const result = await call(client, tool, args);
      slowestMs = Math.max(slowestMs, Date.now() - started);
      return result;
    }),
  );
  return { results, slowestMs };
}

if (await requireRedis()) {
  let dir: TempDir;
  let log: CallLog;
  let redis: RedisServerChild;
  let closed: ServeProcess;
  let open: ServeProcess;
  let closedClient: Client;
  let openClient: Client;

  before(async () => {
    dir = makeTempDir('redis-faults');
    log = createCallLog(dir.path);
    redis = await startRedisServer({ persistDir: dir.path });
    const policy = join(dir.path, 'policy.json');
    writeFileSync(policy, JSON.stringify(POLICY));
    const servers = { bank: countingServer(policy, log) };
    const state = { url: redis.url, keyPrefix: 'faults:', timeout: `${TIMEOUT_MS}ms` };
    closed = await startServeProcess(dir.path, 'closed', { auth: 'none', state, servers });
    open = await startServeProcess(dir.path, 'open', { auth: 'none', failMode: 'open', state: { ...state, keyPrefix: 'faults-open:' }, servers });
    closedClient = await closed.connect('bank');
    openClient = await open.connect('bank');
  });
  after(async () => {
    await Promise.all([closed?.stop(), open?.stop()]);
    await redis?.stop();
    dir?.cleanup();
  });

  describe('Redis paused, stopped and restarted under a running gateway', () => {
    test(`paused: denied with a reason within ${TIMEOUT_MS} ms; resumed: counting again, nothing lost`, async (t) => {
      for (let i = 0; i < 5; i++) assertAllowed(await call(closedClient, 'count'));
      redis.pause();
      try {
        const { results, slowestMs } = await timedCalls(closedClient, 10);
        for (const result of results) assertDenied(result, 'state', new RegExp(`${UNAVAILABLE.source}did not answer within ${TIMEOUT_MS} ms\\)$`));
        assert.ok(slowestMs < TIMEOUT_MS + SLACK_MS, `slowest denial took ${slowestMs} ms`);
        t.diagnostic(`paused Redis: 10 calls denied, slowest after ${slowestMs} ms`);
      } finally {
        redis.resume();
      }
      // The 10 denied calls left nothing behind: 15 of the 20 remain.
      for (let i = 0; i < 10; i++) assertAllowed(await call(closedClient, 'count'));
    });

    test('stopped: denied at once; restarted: admitted again with the counts it had', async (t) => {
      await redis.stop();
      const { results, slowestMs } = await timedCalls(closedClient, 5);
      for (const result of results) assertDenied(result, 'state', UNAVAILABLE);
      assert.ok(slowestMs < TIMEOUT_MS + SLACK_MS, `slowest denial took ${slowestMs} ms`);
      t.diagnostic(`stopped Redis: 5 calls denied, slowest after ${slowestMs} ms`);

      const restarted = Date.now();
      redis = await startRedisServer({ port: redis.port, persistDir: dir.path });
      // The gateway reconnects by itself (and reloads its script into the fresh cache).
      const first = await waitFor('a call admitted after the restart', async () => {
        const result = await call(closedClient, 'count');
        return UNAVAILABLE.test(textOf(result)) ? undefined : result;
      }, 10_000);
      assertAllowed(first);
      t.diagnostic(`restarted Redis: first call admitted ${Date.now() - restarted} ms after the restart began`);
      // 15 were counted before the restart: exactly 5 are left, so the counter survived.
      for (let i = 0; i < 4; i++) assertAllowed(await call(closedClient, 'count'));
      assertRateLimited(await call(closedClient, 'count'), 'tools.count.limits[0]');
    });

    test('failMode open: pure rate limits pass uncounted (and loudly), spend caps still fail closed', async () => {
      assertAllowed(await call(openClient, 'count'));
      redis.pause();
      try {
        const before = log.count('count');
        const { results, slowestMs } = await timedCalls(openClient, 3);
        for (const result of results) assertAllowed(result);
        assert.equal(log.count('count') - before, 3, 'they reached the server');
        assert.ok(slowestMs < TIMEOUT_MS + SLACK_MS, `slowest took ${slowestMs} ms`);
        const spend = await call(openClient, 'spend', { amount: 5 });
        assertDenied(spend, 'state', UNAVAILABLE);
        assert.equal(metaOf(spend)?.decision, 'deny');
      } finally {
        redis.resume();
      }
      await waitFor('the fail-open warning', () => /FAIL OPEN/.test(open.stderr()), 5_000);
      const warning = JSON.parse(open.stderr().split('\n').find((line) => line.includes('FAIL OPEN'))!) as { level: number; tool: string };
      assert.equal(warning.level, 40, 'logged at warn');
      assert.equal(warning.tool, 'count');
      assert.doesNotMatch(closed.stderr(), /FAIL OPEN/, 'failMode closed never admits uncounted');
      // The audit trail says which calls passed uncounted. It is another process's, read through a
      // CLI started per look (each start can take seconds on a loaded machine): looked at for up to
      // 15 s, and a failure says what the last look saw.
      let seen = 'nothing yet';
      const uncounted = await waitFor('the audit of the uncounted calls', () => {
        const run = spawnSync(process.execPath, [TOOLGATE_CLI, 'audit', '--json', '-c', join(dir.path, 'open.json')], { encoding: 'utf8' });
        const all = JSON.parse(run.stdout || '[]') as AuditEvent[];
        const events = all.filter((event) => /without counting/.test(event.reason ?? ''));
        seen = `exit ${run.status}, ${all.length} events, ${events.length} uncounted${run.stderr ? `, stderr: ${run.stderr.slice(0, 300)}` : ''}`;
        return events.length === 3 ? events : undefined;
      }, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}; the last look saw ${seen}`);
      });
      for (const event of uncounted) assert.deepEqual([event.tool, event.decision, event.upstreamStatus], ['count', 'allow', 'ok']);
    });
  });
}
