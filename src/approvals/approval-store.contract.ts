// The one behaviour suite every ApprovalStore backend runs (SQLite, Redis): decisions and
// consumption are compare-and-set, expiry is read through the injected clock, answers are given once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../lib/clock.js';
import type { ApprovalStore, NewApproval } from './approval-store.js';

export type ApprovalStoreFactory = (clock: ManualClock) => Promise<ApprovalStore> | ApprovalStore;
export type ApprovalStoreCleanup = (store: ApprovalStore) => Promise<void> | void;

export const ASK: NewApproval = {
  server: 'pay', grantId: 'grt_a', grantName: 'payer', sessionId: 'ses_1', tool: 'transfer',
  arguments: { amount: 500, to: 'bob' }, argsHash: 'hash-500', rule: 'tools.transfer.approve_if[0]', reason: 'big', timeoutMs: 60_000,
};
export const KEY = { grantId: 'grt_a', server: 'pay', tool: 'transfer', argsHash: 'hash-500' };

export function runApprovalStoreContract(name: string, factory: ApprovalStoreFactory, cleanup: ApprovalStoreCleanup = () => undefined): void {
  const withStore = (body: (store: ApprovalStore, clock: ManualClock) => Promise<void>) => async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const store = await factory(clock);
    try {
      await body(store, clock);
    } finally {
      await cleanup(store);
    }
  };

  describe(`approval store contract: ${name}`, () => {
    test('a new approval is pending, found by its key, and keeps the full arguments', withStore(async (store) => {
      const created = await store.create(ASK);
      assert.match(created.id, /^apr_/);
      assert.equal(created.status, 'pending');
      assert.deepEqual(await store.get(created.id), created);
      assert.equal((await store.findOpen(KEY))?.id, created.id);
      assert.equal(await store.findOpen({ ...KEY, argsHash: 'other' }), undefined);
      assert.equal(await store.findOpen({ ...KEY, grantId: 'grt_b' }), undefined);
      assert.equal(await store.get('apr_missing'), undefined);
    }));

    test('optional fields stay absent; odd names and arguments round-trip', withStore(async (store) => {
      const odd: NewApproval = { server: 's:1', grantId: 'grt_x', tool: 'a:b\n"c"', arguments: { nested: { list: [1, 'two', null] }, 'key:with:colons': true }, argsHash: 'h', rule: 'r', reason: 'ü', timeoutMs: 1_000 };
      const created = await store.create(odd);
      assert.deepEqual(await store.get(created.id), created);
      assert.equal(created.grantName, undefined);
      assert.deepEqual(Object.keys(created).includes('sessionId'), false);
      assert.equal((await store.findOpen({ grantId: 'grt_x', server: 's:1', tool: 'a:b\n"c"', argsHash: 'h' }))?.id, created.id);
    }));

    test('the newest undelivered approval of a key is the open one', withStore(async (store, clock) => {
      const first = await store.create(ASK);
      clock.advance(1_000);
      const second = await store.create(ASK);
      assert.equal((await store.findOpen(KEY))?.id, second.id);
      await store.markDelivered(second.id);
      assert.equal((await store.findOpen(KEY))?.id, first.id);
    }));

    test('the first decision wins; later ones are told it was already decided, and by whom', withStore(async (store) => {
      const { id } = await store.create(ASK);
      const first = await store.decide(id, 'denied', 'alice', 'no');
      assert.equal(first.kind, 'decided');
      assert.equal(first.kind === 'decided' && first.approval.decisionReason, 'no');
      const second = await store.decide(id, 'approved', 'bob');
      assert.equal(second.kind, 'already_decided');
      assert.equal(second.kind === 'already_decided' && second.approval.decidedBy, 'alice');
      assert.equal((await store.get(id))?.status, 'denied');
      assert.deepEqual(await store.decide('apr_missing', 'approved', 'x'), { kind: 'not_found' });
    }));

    test('racing approvers: exactly one decision is recorded', withStore(async (store) => {
      const { id } = await store.create(ASK);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.decide(id, i % 2 ? 'approved' : 'denied', `approver-${i}`)));
      const winners = results.filter((r) => r.kind === 'decided');
      assert.equal(winners.length, 1);
      const winner = winners[0]!.kind === 'decided' ? winners[0]!.approval : undefined;
      assert.equal((await store.get(id))?.decidedBy, winner?.decidedBy);
    }));

    test('an approved approval is consumed once; released, it can be consumed again', withStore(async (store) => {
      const { id } = await store.create(ASK);
      assert.equal(await store.consume(id), false, 'pending cannot be consumed');
      const decided = await store.decide(id, 'approved', 'alice');
      assert.equal(decided.kind === 'decided' && decided.approval.decisionReason, undefined);
      assert.deepEqual(await Promise.all([store.consume(id), store.consume(id), store.consume(id)]).then((r) => r.filter(Boolean).length), 1);
      assert.equal(await store.consume(id), false);
      assert.equal((await store.get(id))?.status, 'used');
      assert.equal(await store.findOpen(KEY), undefined, 'a used approval is no longer open');
      await store.release(id);
      assert.equal((await store.findOpen(KEY))?.status, 'approved');
      assert.equal(await store.consume(id), true);
    }));

    test('expiry: pending or approved past expiresAt reads as expired and can be neither decided nor used', withStore(async (store, clock) => {
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
    }));

    test('list: newest first, by status, bounded by limit', withStore(async (store, clock) => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await store.create({ ...ASK, argsHash: `h${i}` })).id);
        clock.advance(10);
      }
      await store.decide(ids[1]!, 'denied', 'alice');
      assert.deepEqual((await store.list()).map((a) => a.id), [...ids].reverse());
      assert.deepEqual((await store.list({ status: 'pending' })).map((a) => a.id), [ids[4], ids[3], ids[2], ids[0]]);
      assert.deepEqual((await store.list({ status: 'pending', limit: 2 })).map((a) => a.id), [ids[4], ids[3]]);
      assert.deepEqual((await store.list({ status: 'denied' })).map((a) => a.id), [ids[1]]);
      assert.deepEqual(await store.list({ status: 'used' }), []);
    }));
  });
}
