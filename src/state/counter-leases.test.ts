// The lease book on its own, with clocks the test moves: a lease ends when either clock passes its
// deadline (a suspended machine stops the monotonic clock, not the wall clock), a closed book gives
// a late grant back at once, and only one lease is asked for per slot at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLeaseBook, type LeaseGrant } from './counter-leases.js';

function book() {
  const clocks = { now: 1_000, wall: 50_000 };
  const given: Array<[string, number]> = [];
  const leases = createLeaseBook<string>({
    now: () => clocks.now,
    wallNow: () => clocks.wall,
    giveBack: async (window, units) => void given.push([window, units]),
  });
  const grant = (units: number): LeaseGrant<string> => ({ window: 'w1', units, max: 5_000, until: clocks.now + 1_000, wallUntil: clocks.wall + 1_000 });
  return { clocks, given, leases, grant };
}

test('a lease ends when the wall clock passes its deadline, though the monotonic clock stood still', () => {
  const { clocks, given, leases, grant } = book();
  leases.add('s', grant(32));
  assert.ok(leases.take('s', 5_000));
  clocks.wall += 5_000; // the machine was suspended for 5 s
  assert.equal(leases.take('s', 5_000), undefined);
  assert.deepEqual(given, [['w1', 31]]);
});

test('a lease ends on the monotonic clock too, and a rolled-back unit then goes to the store', async () => {
  const { clocks, given, leases, grant } = book();
  leases.add('s', grant(32));
  const take = leases.take('s', 5_000)!;
  clocks.now += 1_000;
  assert.equal(leases.take('s', 5_000), undefined);
  await leases.giveBack([take]);
  assert.deepEqual(given, [['w1', 31], ['w1', 1]]);
});

test('a grant that arrives after the book closed is given back at once', async () => {
  const { given, leases, grant } = book();
  await leases.close();
  leases.add('s', grant(32));
  assert.equal(leases.take('s', 5_000), undefined);
  assert.deepEqual(given, [['w1', 32]]);
});

test('one lease asked for per slot at a time', () => {
  const { leases } = book();
  assert.equal(leases.ask('s'), true);
  assert.equal(leases.ask('s'), false);
  assert.equal(leases.ask('t'), true);
  leases.answeredAll([undefined, 's']);
  assert.equal(leases.ask('s'), true);
});
