// Approvals decided after the call was answered "pending" (hold 0), with the `toolgate approvals`
// CLI: the retry runs once, only with the same grant and arguments; denials reach the agent;
// an approved call that hits a limit keeps its approval; pending approvals survive a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Approval } from '../../src/approvals/approval-store.js';
import { startApprovalGateway, type ApprovalGateway } from '../helpers/approval-gateway.js';
import { runCli } from '../helpers/cli-harness.js';
import { TOOLGATE_CLI } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, assertRateLimited, call, countingServer, createCallLog, metaOf, textOf, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    transfer: { approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }] },
    delete_everything: { action: 'require_approval', reason: 'a human must confirm a wipe' },
    spend: { approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }], limits: [{ counter: 'spend', window: 'day', max: 1 }] },
  },
};

let dir: TempDir;
let dataDir: string;
let log: CallLog;
let gateway: ApprovalGateway;
let token: string;
let client: Client;

function start(): Promise<ApprovalGateway> {
  return startApprovalGateway({ servers: { pay: countingServer(POLICY, log) }, holdMs: 0, dataDir });
}

before(async () => {
  dir = makeTempDir('approvals-retry');
  dataDir = `${dir.path}/data`;
  log = createCallLog(dir.path);
  gateway = await start();
  token = gateway.token(['pay'], 'payer');
  client = await gateway.connect('pay', token);
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

/** `[APPROVAL PENDING]` naming the approval and what to do; returns the approval id. */
function assertPending(result: ToolResult): string {
  assert.equal(result.isError, true);
  const id = metaOf(result)?.approvalId;
  assert.ok(id?.startsWith('apr_'), textOf(result));
  assert.match(textOf(result), new RegExp(`^\\[APPROVAL PENDING\\] approval ${id} is pending; call again with the same arguments once it is approved \\(it expires at \\d{4}-`));
  assert.equal(metaOf(result)?.decision, 'approval');
  return id!;
}

async function cli(...args: string[]): Promise<string> {
  const run = await runCli(['approvals', ...args, '--data-dir', dataDir]);
  assert.equal(run.exitCode, 0, run.stderr);
  return run.stdout;
}

test('pending, approved with the CLI, then the retry with the same arguments runs exactly once', async () => {
  const args = { amount: 500, to: 'bob' };
  const id = assertPending(await call(client, 'transfer', args));
  assert.equal(assertPending(await call(client, 'transfer', args)), id, 'asking again waits on the same approval');

  const listed = await cli('list');
  assert.match(listed, /^ID\s+STATUS\s+SERVER\s+TOOL\s+GRANT\s+CREATED\s+EXPIRES\s+REASON\n/);
  assert.equal(listed.split('\n').filter((line) => line.includes(id)).length, 1);
  assert.match(listed, new RegExp(`${id}\\s+pending\\s+pay\\s+transfer\\s+payer \\(grt_`));
  const shown = await cli('show', id);
  assert.match(shown, new RegExp(`^Approval ${id}: pending\\n  asked by:   payer \\(grt_[^)]+\\), session `));
  assert.match(shown, /"amount": 500,\n\s+"to": "bob"/);
  assert.match(shown, /why:        this call needs approval when args\.amount gt 100 \(tools\.transfer\.approve_if\[0\]\)/);
  const json = JSON.parse(await cli('show', id, '--json')) as Approval;
  assert.deepEqual(json.arguments, args);

  assert.match(await cli('approve', id, '--by', 'alice', '--reason', 'known payee'), new RegExp(`^Approved ${id} \\(pay/transfer for payer`));
  assert.equal(log.count('transfer'), 0);
  assertAllowed(await call(client, 'transfer', args), 'transferred=500 to=bob');
  assert.equal(log.count('transfer'), 1);

  // One use: the same call again needs a new approval.
  const next = assertPending(await call(client, 'transfer', args));
  assert.notEqual(next, id);
  assert.equal(log.count('transfer'), 1);
  const again = await runCli(['approvals', 'approve', id, '--data-dir', dataDir]);
  assert.equal(again.exitCode, 1);
  assert.match(again.stderr, new RegExp(`^error: approval ${id} was already approved by alice: known payee, and the call has run\\n$`));
  const used = JSON.parse(await cli('list', '--status', 'used', '--json')) as Approval[];
  assert.deepEqual(used.map((a) => [a.id, a.decidedBy]), [[id, 'alice']]);
});

test('an approval covers only its own arguments and its own grant', async () => {
  const id = assertPending(await call(client, 'transfer', { amount: 600, to: 'carol' }));
  await cli('approve', id);
  const other = assertPending(await call(client, 'transfer', { amount: 601, to: 'carol' }));
  assert.notEqual(other, id, 'different arguments: a new approval, not the approved one');
  const stranger = await gateway.connect('pay', gateway.token(['pay'], 'stranger'));
  assert.notEqual(assertPending(await call(stranger, 'transfer', { amount: 600, to: 'carol' })), id, 'another grant: a new approval');
  assert.equal(log.count('transfer'), 1);
  // Key order does not make different arguments: the approved call still runs.
  assertAllowed(await call(client, 'transfer', { to: 'carol', amount: 600 }), 'transferred=600 to=carol');
});

test('denied with the CLI: the retry gets [APPROVAL DENIED] <reason>, and the one after asks anew', async () => {
  const id = assertPending(await call(client, 'delete_everything'));
  assert.match(await cli('deny', id, '--reason', 'not during the audit freeze'), new RegExp(`^Denied ${id} .*\\[APPROVAL DENIED\\] not during the audit freeze\\n$`));
  const denied = await call(client, 'delete_everything');
  assert.equal(textOf(denied), '[APPROVAL DENIED] not during the audit freeze');
  assert.deepEqual(metaOf(denied), { decision: 'approval', rule: 'tools.delete_everything.action', approvalId: id });
  assert.notEqual(assertPending(await call(client, 'delete_everything')), id);
  assert.equal(log.count('delete_everything'), 0);
  const decision = (await gateway.auditEvents()).find((event) => event.approvalId === id && event.decidedBy !== undefined);
  assert.equal(decision?.reason, `denied by ${decision?.decidedBy}: not during the audit freeze`);
});

test('approval never passes a limit: a rate-limited approved call keeps its approval for later', async () => {
  assertAllowed(await call(client, 'spend', { amount: 5 }), 'spent=5');
  const id = assertPending(await call(client, 'spend', { amount: 500 }));
  await cli('approve', id);
  assertRateLimited(await call(client, 'spend', { amount: 500 }), 'tools.spend.limits[0]');
  assert.equal(log.count('spend'), 1);
  assert.equal((await gateway.queue.store.get(id))?.status, 'approved');
});

test('approvers in separate processes racing on one approval: exactly one decides', async () => {
  const id = assertPending(await call(client, 'transfer', { amount: 999, to: 'erin' }));
  const runs = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [TOOLGATE_CLI, 'approvals', i % 2 === 0 ? 'approve' : 'deny', id, '--by', `approver-${i}`, '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stderr }));
      }),
    ),
  );
  assert.equal(runs.filter((run) => run.code === 0).length, 1, JSON.stringify(runs));
  for (const run of runs.filter((r) => r.code !== 0)) assert.match(run.stderr, new RegExp(`^error: approval ${id} was already (approved|denied) by approver-\\d`));
});

test('a pending approval survives a restart: approve it, retry on the new gateway, and it runs', async () => {
  const id = assertPending(await call(client, 'delete_everything', { really: true }));
  await gateway.stop();
  gateway = await start();
  await cli('approve', id, '--by', 'night-shift');
  client = await gateway.connect('pay', token);
  assertAllowed(await call(client, 'delete_everything', { really: true }), 'deleted everything');
  assert.equal(log.count('delete_everything'), 1);
  assert.equal((await gateway.queue.store.get(id))?.status, 'used');
});
