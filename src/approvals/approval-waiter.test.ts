// The waiter with a decision feed (what Redis pub/sub drives): a notice wakes the held call at once,
// nothing polls meanwhile, and after a resubscribe every held approval is read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { openDatabaseFile } from '../lib/sqlite.js';
import type { ApprovalStore, DecisionFeed, DecisionListener } from './approval-store.js';
import { ASK } from './approval-store.contract.js';
import { createApprovalWaiter } from './approval-waiter.js';
import { createSqliteApprovalStore } from './sqlite-approval-store.js';

function setUp() {
  const db = openDatabaseFile(':memory:');
  const listeners = new Set<DecisionListener>();
  const feed: DecisionFeed = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  let reads = 0;
  const sqlite = createSqliteApprovalStore({ db, clock: createManualClock(Date.now()) });
  const store: ApprovalStore = { ...sqlite, get: (id) => ((reads += 1), sqlite.get(id)) };
  const waiter = createApprovalWaiter({ store, logger: silentLogger, decisions: feed, pollMs: 10 });
  return { store, waiter, listeners, reads: () => reads, done: () => (waiter.close(), db.close()) };
}

const settled = (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 150))]);

test('with a feed: a decision made elsewhere wakes the call only when announced; nothing polls', async () => {
  const { store, waiter, listeners, reads, done } = setUp();
  const { id } = await store.create(ASK);
  const held = waiter.wait(id, 30_000);
  await store.decide(id, 'approved', 'alice'); // another replica decided; no notice yet
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(reads(), 1, 'one read when the hold began');
  assert.equal(await settled(held), false, 'not told, not woken');
  assert.equal(reads(), 1, 'no polling while held (pollMs would be 10)');
  const started = Date.now();
  for (const listener of listeners) listener.decided(id);
  assert.equal(await settled(held), true);
  assert.ok(Date.now() - started < 50);
  done();
});

test('with a feed: after a resubscribe every held approval is read once', async () => {
  const { store, waiter, listeners, done } = setUp();
  const first = await store.create(ASK);
  const second = await store.create({ ...ASK, argsHash: 'other' });
  const heldFirst = waiter.wait(first.id, 30_000);
  const heldSecond = waiter.wait(second.id, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store.decide(first.id, 'denied', 'bob'); // announced while this replica was disconnected: lost
  for (const listener of listeners) listener.resync();
  assert.equal(await settled(heldFirst), true);
  assert.equal(await settled(heldSecond), false, 'still pending: still held');
  done();
});
