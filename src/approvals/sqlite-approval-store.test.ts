// The SQLite approval store: decisions and consumption are compare-and-set, expiry is read through
// the injected clock, and everything survives reopening the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../lib/clock.js';
import { openDatabase } from '../lib/sqlite.js';
import type { NewApproval } from './approval-store.js';
import { createSqliteApprovalStore } from './sqlite-approval-store.js';

const ASK: NewApproval = {
  server: 'pay', grantId: 'grt_a', grantName: 'payer', sessionId: 'ses_1', tool: 'transfer',
  arguments: { amount: 500, to: 'bob' }, argsHash: 'hash-500', rule: 'tools.transfer.approve_if[0]', reason: 'big', timeoutMs: 60_000,
};
const KEY = { grantId: 'grt_a', server: 'pay', tool: 'transfer', argsHash: 'hash-500' };

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'approval-store-'));
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const db = openDatabase(dir);
  return { dir, clock, db, store: createSqliteApprovalStore({ db, clock }), done: () => { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

test('a new approval is pending, found by its key, and keeps the full arguments', async () => {
  const { store, done } = open();
  const created = await store.create(ASK);
  assert.match(created.id, /^apr_/);
  assert.equal(created.status, 'pending');
  assert.deepEqual(await store.get(created.id), created);
  assert.equal((await store.findOpen(KEY))?.id, created.id);
  assert.equal(await store.findOpen({ ...KEY, argsHash: 'other' }), undefined);
  assert.equal(await store.findOpen({ ...KEY, grantId: 'grt_b' }), undefined);
  done();
});

test('the first decision wins; later ones are told it was already decided, and by whom', async () => {
  const { store, done } = open();
  const { id } = await store.create(ASK);
  const first = await store.decide(id, 'denied', 'alice', 'no');
  assert.equal(first.kind, 'decided');
  const second = await store.decide(id, 'approved', 'bob');
  assert.equal(second.kind, 'already_decided');
  assert.equal(second.kind === 'already_decided' && second.approval.decidedBy, 'alice');
  assert.equal((await store.get(id))?.status, 'denied');
  assert.deepEqual(await store.decide('apr_missing', 'approved', 'x'), { kind: 'not_found' });
  done();
});

test('an approved approval is consumed once; released, it can be consumed again', async () => {
  const { store, done } = open();
  const { id } = await store.create(ASK);
  assert.equal(await store.consume(id), false, 'pending cannot be consumed');
  await store.decide(id, 'approved', 'alice');
  assert.equal(await store.consume(id), true);
  assert.equal(await store.consume(id), false);
  assert.equal((await store.get(id))?.status, 'used');
  assert.equal(await store.findOpen(KEY), undefined, 'a used approval is no longer open');
  await store.release(id);
  assert.equal((await store.findOpen(KEY))?.status, 'approved');
  assert.equal(await store.consume(id), true);
  done();
});

test('expiry: pending or approved past expiresAt reads as expired and can be neither decided nor used', async () => {
  const { store, clock, done } = open();
  const pending = await store.create(ASK);
  const approved = await store.create({ ...ASK, argsHash: 'h2' });
  await store.decide(approved.id, 'approved', 'alice');
  clock.advance(60_000);
  assert.equal((await store.get(pending.id))?.status, 'expired');
  assert.equal((await store.get(approved.id))?.status, 'expired');
  assert.equal((await store.decide(pending.id, 'approved', 'bob')).kind, 'already_decided');
  assert.equal(await store.consume(approved.id), false);
  assert.deepEqual((await store.list({ status: 'expired' })).map((a) => a.id).sort(), [pending.id, approved.id].sort());
  assert.deepEqual(await store.list({ status: 'pending' }), []);
  await store.markDelivered(pending.id);
  assert.equal(await store.findOpen(KEY), undefined);
  clock.advance(-120_000);
  assert.equal((await store.get(pending.id))?.status, 'expired', 'delivered as expired, it stays expired');
  done();
});

test('approvals survive reopening the database (a gateway restart)', async () => {
  const { dir, clock, db, store } = open();
  const { id } = await store.create(ASK);
  db.close();
  const again = openDatabase(dir);
  const reopened = createSqliteApprovalStore({ db: again, clock });
  assert.equal((await reopened.get(id))?.status, 'pending');
  assert.equal((await reopened.decide(id, 'approved', 'alice')).kind, 'decided');
  again.close();
  rmSync(dir, { recursive: true, force: true });
});
