// The approval flow while the call is held, through the official SDK client: a human approves or
// denies on the admin API and the held call gets the real result or [APPROVAL DENIED]; racing
// approvers; progress that keeps a short-timeout client alive; the webhook; the admin token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import type { Approval } from '../../src/approvals/approval-store.js';
import { startApprovalGateway, type ApprovalGateway } from '../helpers/approval-gateway.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, call, countingServer, createCallLog, metaOf, textOf, waitFor, type CallLog, type ToolResult } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    transfer: { approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }], reason: 'large transfers need a human', approval_timeout: '30m' },
    delete_everything: { action: 'require_approval', reason: 'a human must confirm a wipe' },
  },
};
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const WEBHOOK_SECRET = 'webhook-secret-0123456789';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

let dir: TempDir;
let log: CallLog;
let gateway: ApprovalGateway;
let client: Client;
let hooks: Server;
const deliveries: Delivery[] = [];

before(async () => {
  dir = makeTempDir('approvals-hold');
  log = createCallLog(dir.path);
  hooks = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  gateway = await startApprovalGateway({
    servers: { pay: countingServer(POLICY, log) },
    holdMs: 8_000,
    // Twice as often as the default (1 s): margin for a busy machine under a 2 s client timeout.
    progressIntervalMs: 500,
    adminToken: ADMIN_TOKEN,
    webhook: { url: hookUrl, secret: WEBHOOK_SECRET },
  });
  client = await gateway.connect('pay', gateway.token(['pay'], 'payer'));
});
after(async () => {
  await gateway.stop();
  await new Promise((resolve) => hooks.close(resolve));
  dir.cleanup();
});

/** The pending approval a held call created (found through the admin API, as an approver would). */
async function pendingFor(tool: string, known: ReadonlySet<string> = new Set()): Promise<Approval> {
  return waitFor(`a pending approval for ${tool}`, async () => {
    const answer = await gateway.admin('GET', '/api/approvals?status=pending');
    return (answer.body['approvals'] as Approval[]).find((a) => a.tool === tool && !known.has(a.id));
  });
}

test('approved while held: the call runs once and the agent gets the real result', async () => {
  const held = call(client, 'transfer', { amount: 500, to: 'bob' });
  const approval = await pendingFor('transfer');
  // What the approver sees: who asked, what (in full), and why.
  assert.equal(approval.grantName, 'payer');
  assert.equal(approval.server, 'pay');
  assert.deepEqual(approval.arguments, { amount: 500, to: 'bob' });
  assert.equal(approval.rule, 'tools.transfer.approve_if[0]');
  assert.equal(approval.reason, 'large transfers need a human');
  assert.equal(approval.expiresAt - approval.createdAt, 30 * 60_000);
  assert.equal(log.count('transfer'), 0, 'nothing reaches the server before a human says yes');

  const decided = await gateway.admin('POST', `/api/approvals/${approval.id}/approve`, { by: 'alice', reason: 'known payee' });
  assert.equal(decided.status, 200);
  assertAllowed(await held, 'transferred=500 to=bob');
  assert.equal(log.count('transfer'), 1);
  const after = await gateway.admin('GET', `/api/approvals/${approval.id}`);
  assert.equal((after.body['approval'] as Approval).status, 'used');

  // Request, decision (with the decider) and outcome are audit events, tied by the approval id.
  // (A call's event carries the time the call started, so it sorts before the request.)
  const events = (await gateway.auditEvents()).filter((event) => event.approvalId === approval.id);
  assert.deepEqual(
    events.map((event) => [event.decision, event.upstreamStatus, event.decidedBy ?? null, event.reason ?? null]).sort((a, b) => String(a[3]).localeCompare(String(b[3]))),
    [
      ['approval', 'not_sent', null, `approval ${approval.id} requested: large transfers need a human`],
      ['approval', 'not_sent', 'alice', 'approved by alice: known payee'],
      ['approval', 'ok', 'alice', null],
    ],
  );
  assert.ok(events.every((event) => event.argHash === approval.argsHash && event.argKeys.join() === 'amount,to'));
});

test('the webhook is told of every new approval, with an HMAC-SHA256 signature of its timestamp and raw body', async () => {
  await gateway.webhook!.idle();
  const delivery = await waitFor('a webhook delivery', () => deliveries[0]);
  // Signed over the timestamp and the raw body, so a receiver can refuse a replayed (stale) delivery.
  const timestamp = String(delivery.headers['x-toolgate-timestamp']);
  assert.ok(Math.abs(Date.now() - Number(timestamp)) < 60_000, `a fresh timestamp: ${timestamp}`);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${delivery.body}`).digest('hex')}`;
  assert.equal(delivery.headers['x-toolgate-signature'], expected);
  assert.equal(delivery.headers['content-type'], 'application/json');
  const payload = JSON.parse(delivery.body) as { event: string; approval: Approval };
  assert.equal(payload.event, 'approval.requested');
  assert.equal(payload.approval.tool, 'transfer');
  assert.deepEqual(payload.approval.arguments, { amount: 500, to: 'bob' });
  assert.equal(payload.approval.status, 'pending');
});

test('denied while held: [APPROVAL DENIED] with the approver\'s reason; the server is not reached', async () => {
  const held = call(client, 'delete_everything', { scope: 'all' });
  const approval = await pendingFor('delete_everything');
  assert.equal((await gateway.admin('POST', `/api/approvals/${approval.id}/deny`, { reason: 'not during the audit freeze' })).status, 200);
  const result = await held;
  assert.equal(result.isError, true);
  assert.equal(textOf(result), '[APPROVAL DENIED] not during the audit freeze');
  assert.deepEqual(metaOf(result), { decision: 'approval', rule: 'tools.delete_everything.action', approvalId: approval.id });
  assert.equal(log.count('delete_everything'), 0);
  const decision = (await gateway.auditEvents()).find((event) => event.approvalId === approval.id && event.decidedBy !== undefined);
  assert.equal(decision?.decidedBy, 'admin');
  assert.equal(decision?.reason, 'denied by admin: not during the audit freeze');
});

test('twenty approvers racing on one approval: exactly one decision wins, the rest are told it was decided', async () => {
  const held = call(client, 'transfer', { amount: 700, to: 'carol' });
  const approval = await pendingFor('transfer', new Set((await gateway.queue.store.list()).map((a) => a.id)));
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => gateway.admin('POST', `/api/approvals/${approval.id}/${i % 2 === 0 ? 'approve' : 'deny'}`, { by: `approver-${i}`, reason: `vote ${i}` })),
  );
  const winners = answers.filter((answer) => answer.status === 200);
  assert.equal(winners.length, 1, JSON.stringify(answers.map((a) => a.status)));
  for (const loser of answers.filter((answer) => answer.status !== 200)) {
    assert.equal(loser.status, 409);
    assert.equal(loser.body['error'], 'ALREADY_DECIDED');
    assert.match(String(loser.body['message']), new RegExp(`^approval ${approval.id} was already (approved|denied) by approver-\\d+`));
  }
  const winner = winners[0]!.body['approval'] as Approval;
  const result = await held;
  if (winner.status === 'approved') assertAllowed(result, 'transferred=700 to=carol');
  else assert.equal(textOf(result), `[APPROVAL DENIED] ${winner.decisionReason}`);
  assert.equal(log.count('transfer'), winner.status === 'approved' ? 2 : 1);
  const decisions = (await gateway.auditEvents()).filter((event) => event.approvalId === approval.id && event.decidedBy !== undefined && event.upstreamStatus === 'not_sent');
  assert.equal(decisions.length, 1, 'one decision is audited');
});

test('a client with a 2 s request timeout is kept alive by progress through a longer hold', async () => {
  const progress: Progress[] = [];
  const started = Date.now();
  const held = client.request(
    { method: 'tools/call', params: { name: 'transfer', arguments: { amount: 900, to: 'dave' } } },
    CallToolResultSchema,
    { timeout: 2_000, resetTimeoutOnProgress: true, onprogress: (p) => progress.push(p) },
  ) as Promise<ToolResult>;
  const approval = await pendingFor('transfer', new Set((await gateway.queue.store.list()).filter((a) => a.status !== 'pending').map((a) => a.id)));
  // Decide only after the hold outlived the client's timeout twice over.
  await waitFor('eight progress notifications', () => progress.length >= 8, 10_000);
  assert.equal((await gateway.admin('POST', `/api/approvals/${approval.id}/approve`)).status, 200);
  assertAllowed(await held, 'transferred=900 to=dave');
  assert.ok(Date.now() - started > 4_000);
  assert.deepEqual(progress.map((p) => p.progress).slice(0, 4), [1, 2, 3, 4], 'progress only grows');
  assert.match(progress[0]!.message ?? '', new RegExp(`approval ${approval.id}`));
});

test('the admin API refuses requests without the admin token, or with a wrong one', async () => {
  const planted = await gateway.queue.store.create({
    server: 'pay', grantId: 'grt_x', tool: 'transfer', arguments: { amount: 1 }, argsHash: 'h', rule: 'r', reason: 'why', timeoutMs: 60_000,
  });
  for (const token of [null, '', 'wrong', ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase()]) {
    for (const [method, path] of [['GET', '/api/approvals'], ['GET', `/api/approvals/${planted.id}`], ['POST', `/api/approvals/${planted.id}/approve`], ['GET', '/nowhere']] as const) {
      const answer = await gateway.admin(method, path, method === 'POST' ? {} : undefined, token);
      assert.equal(answer.status, 401, `${method} ${path} with ${String(token)}`);
      assert.equal(answer.body['error'], 'UNAUTHORIZED');
    }
  }
  assert.equal((await gateway.queue.store.get(planted.id))?.status, 'pending', 'nothing was decided');
  assert.equal((await gateway.admin('GET', '/api/approvals/apr_nope')).status, 404);
  assert.equal((await gateway.admin('GET', '/api/approvals?status=bogus')).status, 400);
  assert.equal((await gateway.admin('POST', `/api/approvals/${planted.id}/deny`, { reason: 7 })).status, 400);
  const garbled = await fetch(`${gateway.adminUrl}/api/approvals/${planted.id}/deny`, {
    method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: '{"reason": ',
  });
  assert.equal(garbled.status, 400);
  assert.equal(((await garbled.json()) as { error: string }).error, 'INVALID_REQUEST');
  const denied = await gateway.admin('POST', `/api/approvals/${planted.id}/deny`);
  assert.equal(denied.status, 200);
  assert.equal((denied.body['approval'] as Approval).status, 'denied');
});

test('a client that cancels a held call stops the hold; approved later, it runs only when asked again', async () => {
  const controller = new AbortController();
  const known = new Set((await gateway.queue.store.list()).map((a) => a.id));
  const held = client.callTool({ name: 'transfer', arguments: { amount: 1_000, to: 'frank' } }, undefined, { signal: controller.signal });
  const approval = await pendingFor('transfer', known);
  controller.abort('changed my mind');
  await assert.rejects(held);
  // The gateway answers the cancelled request "pending" at once; the approval stays pending.
  await waitFor('the hold to end', async () => (await gateway.auditEvents()).some((event) => event.approvalId === approval.id && /is pending/.test(event.reason ?? '')));
  const before = log.count('transfer');
  assert.equal((await gateway.admin('POST', `/api/approvals/${approval.id}/approve`)).status, 200);
  assert.equal((await gateway.queue.store.get(approval.id))?.status, 'approved');
  assert.equal(log.count('transfer'), before, 'nothing ran for the cancelled call');
  assertAllowed(await call(client, 'transfer', { amount: 1_000, to: 'frank' }), 'transferred=1000 to=frank');
});
