// A call held for approval is judged again when the hold ends: if the policy changed meanwhile (here a
// reload that denies the tool), the approval does not carry the call past the new policy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Approval } from '../../src/approvals/approval-store.js';
import { startApprovalGateway, type ApprovalGateway } from '../helpers/approval-gateway.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { call, countingServer, createCallLog, metaOf, textOf, waitFor, type CallLog } from '../helpers/tool-calls.js';

const HELD = { version: '1', default: 'deny', tools: { transfer: { action: 'require_approval', reason: 'a human checks transfers' } } };
const DENIED = { version: '1', default: 'deny', tools: { transfer: { action: 'deny', reason: 'transfers are frozen' } } };
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

let dir: TempDir;
let log: CallLog;
let policyFile: string;
let gateway: ApprovalGateway;

before(async () => {
  dir = makeTempDir('approvals-rejudge');
  log = createCallLog(dir.path);
  policyFile = join(dir.path, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(HELD));
  gateway = await startApprovalGateway({ servers: { pay: countingServer(policyFile, log) }, holdMs: 8_000, adminToken: ADMIN_TOKEN });
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

test('approved after a reload that denies the tool: the held call is denied and never reaches the server', async () => {
  const client = await gateway.connect('pay', gateway.token(['pay']));
  const held = call(client, 'transfer', { amount: 5, to: 'bob' });
  const approval = await waitFor('a pending approval', async () => {
    const answer = await gateway.admin('GET', '/api/approvals?status=pending');
    return (answer.body['approvals'] as Approval[]).find((item) => item.tool === 'transfer');
  });
  writeFileSync(policyFile, JSON.stringify(DENIED));
  await waitFor('the reload', () => gateway.reloads.some((event) => event.kind === 'reloaded'));
  assert.equal((await gateway.admin('POST', `/api/approvals/${approval.id}/approve`, { by: 'alice' })).status, 200);
  const result = await held;
  assert.equal(result.isError, true);
  assert.equal(textOf(result), '[POLICY DENIED] transfers are frozen');
  assert.equal(metaOf(result)?.rule, 'tools.transfer.action');
  assert.equal(log.count('transfer'), 0);
});
