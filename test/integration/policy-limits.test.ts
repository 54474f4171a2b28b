// Limits through the real gateway: scopes (grant, session, server) seen from several grants and
// sessions, shared counters, spend caps, and both rate_limit forms. The clock is injected and fixed
// at 12:00:30 UTC, so no window boundary is crossed by accident and retryAfterMs is exact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertDenied, assertRateLimited, call, countingServer, createCallLog, type CallLog } from '../helpers/tool-calls.js';

const NOON = Date.UTC(2026, 2, 10, 12, 0, 30);
const clock = createManualClock(NOON);

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: { limits: [{ counter: 'count_daily', window: 'day', max: 3, scope: 'grant' }] },
    echo: { limits: [{ counter: 'echo_hourly', window: 'hour', max: 2, scope: 'session' }] },
    slow: { limits: [{ counter: 'slow_everyone', window: 'hour', max: 2, scope: 'server' }] },
    read_data: { limits: [{ counter: 'data_ops', window: 'minute', max: 3 }] },
    write_data: { limits: [{ counter: 'data_ops', window: 'minute', max: 3 }] },
    spend: { limits: [{ counter: 'daily_spend', window: 'day', max: 100, increment_from: 'args.amount' }] },
    transfer: { rate_limit: { max: 2, window: 60 } },
    delete_everything: { rate_limit: '2/minute' },
  },
};

let dir: TempDir;
let log: CallLog;
let gateway: TestGateway;
// Two sessions of grant A, one of grant B.
let a1: Client;
let a2: Client;
let b1: Client;

before(async () => {
  dir = makeTempDir('policy-limits');
  log = createCallLog(dir.path);
  gateway = await startTestGateway({ servers: { limited: countingServer(POLICY, log) }, store: 'memory', clock });
  const tokenA = gateway.token(['limited'], 'agent-a');
  const tokenB = gateway.token(['limited'], 'agent-b');
  [a1, a2, b1] = await Promise.all([gateway.connect('limited', tokenA), gateway.connect('limited', tokenA), gateway.connect('limited', tokenB)]);
});

after(async () => {
  await gateway.stop();
  dir.cleanup();
});

/** Runs `tool` on `client` and checks whether it reached the server. */
async function run(client: Client, tool: string, args: Record<string, unknown>, reached: boolean) {
  const before = log.count(tool);
  const result = await call(client, tool, args);
  assert.equal(log.count(tool) - before, reached ? 1 : 0, `${tool} ${JSON.stringify(args)} ${reached ? 'must' : 'must not'} reach the server`);
  return result;
}

describe('scopes', () => {
  test('grant: both sessions of a grant share one budget; another grant has its own', async () => {
    for (const client of [a1, a2, a1]) assertAllowed(await run(client, 'count', {}, true));
    const retry = assertRateLimited(await run(a1, 'count', {}, false), 'tools.count.limits[0]');
    assert.equal(retry, Date.UTC(2026, 2, 11) - NOON, 'a day budget frees at 00:00 UTC');
    assertRateLimited(await run(a2, 'count', {}, false), 'tools.count.limits[0]');
    for (let i = 0; i < 3; i++) assertAllowed(await run(b1, 'count', {}, true));
    assertRateLimited(await run(b1, 'count', {}, false), 'tools.count.limits[0]');
  });

  test('session: each session of the same grant has its own budget', async () => {
    for (let i = 0; i < 2; i++) assertAllowed(await run(a1, 'echo', { i }, true));
    const retry = assertRateLimited(await run(a1, 'echo', {}, false), 'tools.echo.limits[0]');
    assert.equal(retry, 59 * 60_000 + 30_000);
    for (let i = 0; i < 2; i++) assertAllowed(await run(a2, 'echo', { i }, true));
    assertRateLimited(await run(a2, 'echo', {}, false), 'tools.echo.limits[0]');
  });

  test('server: every grant and session draws from one budget', async () => {
    assertAllowed(await run(a1, 'slow', { ms: 0 }, true));
    assertAllowed(await run(b1, 'slow', { ms: 0 }, true));
    assertRateLimited(await run(a2, 'slow', { ms: 0 }, false), 'tools.slow.limits[0]');
    assertRateLimited(await run(b1, 'slow', { ms: 0 }, false), 'tools.slow.limits[0]');
  });
});

test('a counter name used by two tools is one budget', async () => {
  assertAllowed(await run(a1, 'read_data', {}, true));
  assertAllowed(await run(a1, 'write_data', {}, true));
  assertAllowed(await run(a2, 'read_data', {}, true));
  assertRateLimited(await run(a1, 'write_data', {}, false), 'tools.write_data.limits[0]');
  assertRateLimited(await run(a1, 'read_data', {}, false), 'tools.read_data.limits[0]');
  assertAllowed(await run(b1, 'write_data', {}, true), 'written');
});

describe('increment_from: a spend cap', () => {
  test('amounts are summed up to max; 0 counts nothing', async () => {
    assertAllowed(await run(a1, 'spend', { amount: 60 }, true), 'spent=60');
    assertAllowed(await run(a2, 'spend', { amount: 39.5 }, true));
    const over = await run(a1, 'spend', { amount: 1 }, false);
    assertRateLimited(over, 'tools.spend.limits[0]');
    assertAllowed(await run(a1, 'spend', { amount: 0.5 }, true));
    assertAllowed(await run(a1, 'spend', { amount: 0 }, true));
    assertRateLimited(await run(a1, 'spend', { amount: 0.01 }, false), 'tools.spend.limits[0]');
    assertAllowed(await run(b1, 'spend', { amount: 100 }, true), 'spent=100');
  });

  test('an amount that cannot be counted is denied, never counted, and its value is not echoed', async () => {
    const rule = 'tools.spend.limits[0].increment_from';
    const cases: Array<[unknown, string]> = [
      ['25', 'a string'],
      [-7.25, 'a negative number'],
      [undefined, 'missing'],
      [null, 'null'],
      [{ value: 3 }, 'an object'],
    ];
    // A fresh grant with the whole budget: a bad amount that was counted would show below.
    const c = await gateway.connect('limited', gateway.token(['limited']));
    for (const [amount, found] of cases) {
      const args = amount === undefined ? {} : { amount };
      const result = await run(c, 'spend', args, false);
      assertDenied(result, rule, new RegExp(`args\\.amount must be a finite non-negative number to count against "daily_spend", but it is ${found}`));
      assert.ok(!JSON.stringify(result).includes('7.25'));
    }
    assertAllowed(await run(c, 'spend', { amount: 100 }, true));
  });
});

describe('rate_limit', () => {
  test('string form "2/minute": a calendar minute', async () => {
    for (let i = 0; i < 2; i++) assertAllowed(await run(b1, 'delete_everything', {}, true));
    const retry = assertRateLimited(await run(b1, 'delete_everything', {}, false), 'tools.delete_everything.rate_limit');
    assert.equal(retry, 30_000, 'free again at the next full minute');
    assertAllowed(await run(a1, 'delete_everything', {}, true), 'deleted everything'); // another grant: its own budget
  });

  test('object form {max: 2, window: 60}: a sliding 60 s, per grant', async () => {
    const args = { amount: 1, to: 'bob' };
    for (let i = 0; i < 2; i++) assertAllowed(await run(a1, 'transfer', args, true));
    const result = await run(a2, 'transfer', args, false);
    assert.equal(assertRateLimited(result, 'tools.transfer.rate_limit'), 60_000);
    assert.deepEqual(result._meta, { toolgate: { decision: 'rate_limited', rule: 'tools.transfer.rate_limit', retryAfterMs: 60_000 } });
    clock.advance(60_000);
    assertAllowed(await run(a2, 'transfer', args, true), 'transferred=1 to=bob');
  });
});

test('rate-limited calls are audited as such and were never sent', async () => {
  const events = await gateway.auditEvents();
  const limited = events.filter((event) => event.decision === 'rate_limited');
  assert.ok(limited.length >= 12);
  for (const event of limited) {
    assert.equal(event.upstreamStatus, 'not_sent');
    assert.match(event.reason ?? '', /^rate limit \S+ reached/);
  }
  assert.equal(events.filter((event) => event.upstreamStatus === 'ok').length, log.count());
});
