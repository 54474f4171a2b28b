// Issue 7 target 5 as the report judges it: differences against memory counters, pass or fail at the
// limits, a Redis that was not there reported as skipped (never as a pass), and the issue's goal list.
// Run: node --test dist/bench/counter-backends.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCounterBackends, counterBackendTable } from './counter-backends.js';
import type { EngineBenchResult } from './engine-bench.js';
import { checkIssueGoals } from './issue-goals.js';
import type { Stats } from './measure.js';
import type { TargetReport } from './report.js';
import type { TargetName } from './targets.js';

function stats(p50: number, perRound: number[], extra: Partial<Stats> = {}): Stats {
  return { calls: 100, errors: 0, p50, p99: p50 * 3, mean: p50, min: p50 / 2, max: p50 * 5, callsPerSecond: 1000 / p50, perRound, distribution: [], ...extra };
}

function ok(name: TargetName, p50: number, perRound: number[] = [p50, p50], concurrentCallsPerSecond = 1000): TargetReport {
  return { name, setup: '', status: 'ok', sequential: stats(p50, perRound), concurrent: stats(10, [], { callsPerSecond: concurrentCallsPerSecond }) };
}

test('SQLite within 0.05 ms of memory passes; Redis 0.25 ms over fails; the paired median is per round', () => {
  const report = compareCounterBackends([ok('toolgate-memory', 0.6, [0.6, 0.7]), ok('toolgate', 0.64, [0.62, 0.76]), ok('toolgate-redis', 0.85, [0.9, 0.9])]);
  const [sqlite, redis] = report.comparisons;
  assert.equal(sqlite?.verdict, 'pass');
  assert.ok(Math.abs(sqlite!.differenceMs! - 0.04) < 1e-9);
  assert.ok(Math.abs(sqlite!.pairedMedianMs! - 0.04) < 1e-9); // median of +0.02 and +0.06
  assert.equal(redis?.verdict, 'fail');
  assert.ok(Math.abs(redis!.differenceMs! - 0.25) < 1e-9);
});

test('Redis without leases is a row for reference: shown with its difference, never judged', () => {
  const targets = [ok('toolgate-memory', 0.6), ok('toolgate', 0.62), ok('toolgate-redis', 0.65), ok('toolgate-redis-no-leases', 0.9)];
  const report = compareCounterBackends(targets);
  const reference = report.comparisons.find((c) => c.backend === 'redis-no-leases');
  assert.equal(reference?.verdict, 'reference');
  assert.equal(reference?.limitMs, undefined);
  assert.ok(Math.abs(reference!.differenceMs! - 0.3) < 1e-9);
  assert.deepEqual(counterBackendTable(report).rows[3], ['redis-no-leases', 'toolgate-redis-no-leases', '0.900', '2.700', '+0.300', '+0.300', '(for reference)']);
  const engine: EngineBenchResult = { tools: 40, policySummary: '', scenarios: [] };
  const goal5 = checkIssueGoals(targets, engine, report).find((goal) => goal.id === 5);
  assert.equal(goal5?.verdict, 'met');
  assert.doesNotMatch(goal5!.measured, /no-leases/);
});

test('an unreachable Redis is a skipped row with its reason, not a pass; the goal says partly measured', () => {
  const reason = 'Redis at redis://127.0.0.1:6379 is not reachable (connect ECONNREFUSED 127.0.0.1:6379)';
  const targets: TargetReport[] = [
    ok('toolgate-memory', 0.6),
    ok('toolgate', 0.62),
    { name: 'toolgate-redis', setup: '', status: 'skipped', reason },
  ];
  const report = compareCounterBackends(targets);
  assert.deepEqual(report.comparisons[1], { backend: 'redis', limitMs: 0.2, verdict: 'skipped', reason: `toolgate-redis skipped: ${reason}` });
  const table = counterBackendTable(report);
  assert.deepEqual(table.rows[2], ['redis', 'toolgate-redis', `skipped: ${reason}`]);
  const engine: EngineBenchResult = { tools: 40, policySummary: '', scenarios: [] };
  const goal5 = checkIssueGoals(targets, engine, report).find((goal) => goal.id === 5);
  assert.equal(goal5?.verdict, 'partly measured');
});

test('without memory counters nothing is compared', () => {
  const report = compareCounterBackends([ok('toolgate', 0.62)]);
  assert.deepEqual(report.comparisons.map((c) => c.verdict), ['skipped', 'skipped', 'skipped']);
  assert.match(report.comparisons[0]!.reason!, /toolgate-memory was not run/);
});

test('goals 1 and 2 compare toolgate with the plain proxies only, never with its own variants or direct', () => {
  const targets = [ok('direct', 0.1, undefined, 5000), ok('toolgate', 0.7, undefined, 1500), ok('toolgate-memory', 0.5, undefined, 9000), ok('supergateway', 0.9, undefined, 1000), ok('mcp-proxy', 2, undefined, 1510)];
  const engine: EngineBenchResult = { tools: 40, policySummary: '', scenarios: [{ name: 'varied', description: '', decisionsPerSecond: 3e6, samples: [], mix: {} }] };
  const goals = checkIssueGoals(targets, engine, compareCounterBackends(targets));
  assert.equal(goals[0]?.verdict, 'met'); // 0.7 ≤ 0.85 × 0.9 and p99 2.1 ≤ 2.7
  assert.equal(goals[1]?.verdict, 'missed'); // 1,500 < 1,510 (mcp-proxy)
  assert.match(goals[1]!.measured, /1,500 vs 1,510 \(mcp-proxy\)/);
  assert.equal(goals[2]?.verdict, 'met');
  assert.equal(goals[3]?.verdict, 'not measured');
});
