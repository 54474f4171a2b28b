// The approval queue on its own: no duplicate approvals for one call, one approved call per
// approval even when two race for it, an in-process decision wakes a held call at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryAuditSink } from '../audit/memory-audit-sink.js';
import { createManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { openDatabaseFile } from '../lib/sqlite.js';
import type { ApprovalRequest } from './approval-hook.js';
import { createApprovalQueue } from './approval-queue.js';
import { createSqliteApprovalStore } from './sqlite-approval-store.js';

function queue(holdMs: number) {
  const db = openDatabaseFile(':memory:');
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const audit = createMemoryAuditSink();
  const approvals = createApprovalQueue({ store: createSqliteApprovalStore({ db, clock }), audit, clock, logger: silentLogger, holdMs, pollMs: 10_000 });
  return { approvals, audit, clock, done: () => { approvals.close(); db.close(); } };
}

const ASK: ApprovalRequest = {
  facts: { server: 'pay', tool: 'transfer', args: { amount: 500, to: 'bob' }, grantId: 'grt_a', sessionId: 'ses_1' },
  rule: 'tools.transfer.approve_if[0]',
  reason: 'big',
  approvalTimeoutMs: 60_000,
};

test('asking again for the same call waits on the same approval; the request is audited once', async () => {
  const { approvals, audit, done } = queue(0);
  const first = await approvals.request(ASK);
  const second = await approvals.request({ ...ASK, facts: { ...ASK.facts, args: { to: 'bob', amount: 500 }, sessionId: 'ses_2' } });
  assert.equal(first.kind, 'pending');
  assert.deepEqual(second, first);
  assert.equal(audit.events.filter((event) => event.reason?.includes('requested')).length, 1);
  done();
});

test('an in-process decision wakes the held call at once (the poll is far off)', async () => {
  const { approvals, done } = queue(30_000);
  const held = approvals.request(ASK);
  const pending = await waitForPending(approvals);
  const started = Date.now();
  await approvals.decide(pending, 'approved', 'alice');
  const outcome = await held;
  assert.equal(outcome.kind, 'approved');
  assert.ok(Date.now() - started < 1_000);
  done();
});

test('two calls racing for one approved approval: one runs, the other is asked anew', async () => {
  const { approvals, done } = queue(0);
  const first = await approvals.request(ASK);
  assert.equal(first.kind, 'pending');
  await approvals.decide(first.kind === 'pending' ? first.approvalId : '', 'approved', 'alice');
  const outcomes = await Promise.all([approvals.request(ASK), approvals.request(ASK)]);
  assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['approved', 'pending']);
  done();
});

test('a closed queue holds nothing: a held call is answered pending', async () => {
  const { approvals, done } = queue(30_000);
  const held = approvals.request(ASK);
  await waitForPending(approvals);
  approvals.close();
  assert.equal((await held).kind, 'pending');
  done();
});

test('a store that fails: the call is denied (unavailable), never let through', async () => {
  const { approvals, done } = queue(0);
  const broken = createApprovalQueue({
    store: { ...approvals.store, findOpen: async () => { throw new Error('database is locked'); } },
    audit: createMemoryAuditSink(), clock: createManualClock(), logger: silentLogger, holdMs: 0,
  });
  const outcome = await broken.request(ASK);
  assert.deepEqual(outcome, { kind: 'unavailable', reason: 'big; approval is required (tools.transfer.approve_if[0]) but the approval store is unavailable' });
  done();
});

async function waitForPending(approvals: ReturnType<typeof queue>['approvals']): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const [found] = await approvals.store.list({ status: 'pending' });
    if (found) return found.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no pending approval');
}
