// The approval decision through the gateway, with an approval hook that answers as a human would
// (approved, denied, still pending): what the agent sees, what reaches the server, what is counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ApprovalHook, ApprovalOutcome, ApprovalRequest } from '../../src/approvals/approval-hook.js';
import { createManualClock } from '../../src/lib/clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertRateLimited, call, countingServer, createCallLog, metaOf, textOf, type CallLog } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    transfer: {
      approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }],
      approval_timeout: '30m',
      limits: [{ counter: 'transfers', window: 'day', max: 2 }],
    },
    delete_everything: { action: 'require_approval', reason: 'a human must confirm a wipe' },
  },
};

/** A human at the other end: each request takes the next scripted answer. */
const answers: ApprovalOutcome[] = [];
const asked: ApprovalRequest[] = [];
const human: ApprovalHook = {
  request: async (request) => {
    asked.push(request);
    const answer = answers.shift();
    assert.ok(answer, `unexpected approval request for ${request.facts.tool}`);
    return answer;
  },
};

let dir: TempDir;
let log: CallLog;
let gateway: TestGateway;
let client: Client;

before(async () => {
  dir = makeTempDir('approval-decisions');
  log = createCallLog(dir.path);
  const clock = createManualClock(Date.UTC(2026, 8, 1, 12));
  gateway = await startTestGateway({ servers: { pay: countingServer(POLICY, log) }, store: 'memory', clock, approvals: human });
  client = await gateway.connect('pay', gateway.token(['pay'], 'payer'));
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

test('the approver is asked with the call\'s facts, the rule and the entry\'s timeout; approved calls run', async () => {
  answers.push({ kind: 'approved', approvalId: 'apr_1', decidedBy: 'alice' });
  assertAllowed(await call(client, 'transfer', { amount: 500, to: 'bob' }), 'transferred=500 to=bob');
  assert.equal(log.count('transfer'), 1);
  const request = asked.at(-1)!;
  assert.deepEqual(request.facts.args, { amount: 500, to: 'bob' });
  assert.equal(request.facts.tool, 'transfer');
  assert.equal(request.facts.server, 'pay');
  assert.equal(request.rule, 'tools.transfer.approve_if[0]');
  assert.equal(request.reason, 'this call needs approval when args.amount gt 100');
  assert.equal(request.approvalTimeoutMs, 30 * 60_000);
});

test('an approve_if that does not hold never asks anyone', async () => {
  const before = asked.length;
  assertAllowed(await call(client, 'transfer', { amount: 20, to: 'bob' }));
  assert.equal(asked.length, before);
  assert.equal(log.count('transfer'), 2);
});

test('an approved call still counts against its limits', async () => {
  answers.push({ kind: 'approved', approvalId: 'apr_2', decidedBy: 'alice' });
  assertRateLimited(await call(client, 'transfer', { amount: 900, to: 'carol' }), 'tools.transfer.limits[0]');
  assert.equal(log.count('transfer'), 2);
});

test('denied by a human: [APPROVAL DENIED] with the human\'s reason; the server is not reached', async () => {
  answers.push({ kind: 'denied', approvalId: 'apr_3', reason: 'not during the audit freeze' });
  const result = await call(client, 'delete_everything');
  assert.equal(result.isError, true);
  assert.equal(textOf(result), '[APPROVAL DENIED] not during the audit freeze');
  assert.deepEqual(metaOf(result), { decision: 'approval', rule: 'tools.delete_everything.action', approvalId: 'apr_3' });
  assert.equal(asked.at(-1)!.reason, 'a human must confirm a wipe');
  assert.equal(log.count('delete_everything'), 0);
});

test('nobody decided yet: [APPROVAL PENDING] naming the approval id and what to do', async () => {
  answers.push({ kind: 'pending', approvalId: 'apr_4' });
  const result = await call(client, 'delete_everything');
  assert.equal(result.isError, true);
  assert.match(textOf(result), /^\[APPROVAL PENDING\] approval apr_4 is pending; call again with the same arguments/);
  assert.deepEqual(metaOf(result), { decision: 'approval', rule: 'tools.delete_everything.action', approvalId: 'apr_4' });
  assert.equal(log.count('delete_everything'), 0);
});

test('each outcome is audited as an approval decision', async () => {
  const events = await gateway.auditEvents();
  assert.deepEqual(events.map((event) => [event.tool, event.decision, event.upstreamStatus]), [
    ['transfer', 'approval', 'ok'],
    ['transfer', 'allow', 'ok'],
    ['transfer', 'rate_limited', 'not_sent'],
    ['delete_everything', 'approval', 'not_sent'],
    ['delete_everything', 'approval', 'not_sent'],
  ]);
  assert.equal(answers.length, 0, 'every scripted answer was used');
});
