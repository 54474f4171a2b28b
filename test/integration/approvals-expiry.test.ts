// Approval expiry on an injected clock: after `approval_timeout` a pending approval counts as denied,
// an approved one that was not used in time no longer lets the call through, and nobody can decide it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Approval } from '../../src/approvals/approval-store.js';
import { createManualClock, type ManualClock } from '../../src/lib/clock.js';
import { startApprovalGateway, type ApprovalGateway } from '../helpers/approval-gateway.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { call, countingServer, createCallLog, metaOf, textOf, type CallLog } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    transfer: { approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }] },
    delete_everything: { action: 'require_approval', approval_timeout: '5m' },
  },
};
const TOKEN = 'admin-token-expiry-0123456789';

let dir: TempDir;
let log: CallLog;
let clock: ManualClock;
let gateway: ApprovalGateway;
let client: Client;

before(async () => {
  dir = makeTempDir('approvals-expiry');
  log = createCallLog(dir.path);
  clock = createManualClock(Date.UTC(2026, 10, 21, 9));
  gateway = await startApprovalGateway({ servers: { pay: countingServer(POLICY, log) }, holdMs: 0, clock, adminToken: TOKEN });
  client = await gateway.connect('pay', gateway.token(['pay'], 'payer'));
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

test('nobody decided within approval_timeout (default 10m): the retry is denied, and nobody can approve it any more', async () => {
  const pending = await call(client, 'transfer', { amount: 500, to: 'bob' });
  const id = metaOf(pending)!.approvalId!;
  const approval = (await gateway.queue.store.get(id))!;
  assert.equal(approval.expiresAt - approval.createdAt, 10 * 60_000);

  clock.advance(10 * 60_000 - 1);
  assert.match(textOf(await call(client, 'transfer', { amount: 500, to: 'bob' })), new RegExp(`^\\[APPROVAL PENDING\\] approval ${id} `));
  clock.advance(1);
  const late = await gateway.admin('POST', `/api/approvals/${id}/approve`);
  assert.equal(late.status, 409);
  assert.match(String(late.body['message']), new RegExp(`^approval ${id} has expired \\(at 2026-11-21T09:10:00.000Z\\)$`));
  const listed = await gateway.admin('GET', '/api/approvals?status=expired');
  assert.deepEqual((listed.body['approvals'] as Approval[]).map((a) => a.id), [id]);

  const expired = await call(client, 'transfer', { amount: 500, to: 'bob' });
  assert.equal(expired.isError, true);
  assert.equal(textOf(expired), `[APPROVAL DENIED] approval ${id} expired at 2026-11-21T09:10:00.000Z without being approved`);
  assert.deepEqual(metaOf(expired), { decision: 'approval', rule: 'tools.transfer.approve_if[0]', approvalId: id });
  // Told once: the next call asks a human again.
  assert.notEqual(metaOf(await call(client, 'transfer', { amount: 500, to: 'bob' }))?.approvalId, id);
  assert.equal(log.count('transfer'), 0);
});

test('an approval that was approved but not used before it expired lets nothing through', async () => {
  const id = metaOf(await call(client, 'delete_everything'))!.approvalId!;
  assert.equal((await gateway.admin('POST', `/api/approvals/${id}/approve`, { by: 'alice' })).status, 200);
  clock.advance(5 * 60_000);
  const result = await call(client, 'delete_everything');
  assert.match(textOf(result), new RegExp(`^\\[APPROVAL DENIED\\] approval ${id} expired at `));
  assert.equal(log.count('delete_everything'), 0);
  const shown = await gateway.admin('GET', `/api/approvals/${id}`);
  assert.equal((shown.body['approval'] as Approval).status, 'expired');
  assert.equal((shown.body['approval'] as Approval).decidedBy, 'alice');
});
