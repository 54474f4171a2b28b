// The lease behaviour every shared counter store (Redis, SQLite) shows (decision 019): a busy count
// takes one store operation per LEASE_UNITS + 1 calls; the store's total holds the lease, a peek only
// calls; no lease near the max, for spend amounts or sliding windows; two stores on one budget admit
// exactly max; unused units go back when a lease ends, when the store closes and when a call is rolled
// back; a lease never outlives the end of its window.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { createManualClock, type Clock } from '../lib/clock.js';
import { waitFor } from '../../test/helpers/tool-calls.js';
import { LEASE_ROOM, LEASE_TTL_MS, LEASE_UNITS } from './counter-leases.js';
import type { CounterStore } from './counter-store.js';
import { HOUR, limit, MINUTE, mustReserve } from './counter-store.contract.js';

/** Stores sharing one budget (one Redis prefix, one SQLite file), and what the store holds. */
export interface LeaseHarness {
  stores: CounterStore[];
  /** The total of every calendar window's counter, oldest window first. */
  totals(): Promise<number[]>;
  cleanup(): Promise<void>;
}

/** `clock`: the clock the stores' windows follow (the system clock when absent). */
export type LeaseHarnessFactory = (count: number, clock?: Clock) => Promise<LeaseHarness>;


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ascending = (values: number[]): number[] => [...values].sort((a, b) => a - b);

/** Waits until `read` gives `expected` (a lease's timer and its give-back take their time on a busy
 *  machine), at most LEASE_TTL_MS + 5 s. */
async function settlesTo(read: () => Promise<number[]>, expected: number[], what: string): Promise<void> {
  await waitFor(`${what}: ${JSON.stringify(expected)}`, async () => isDeepStrictEqual(await read(), expected), LEASE_TTL_MS + 5_000);
}

/** Tests on the system clock count in the current hour: one that would end within 10 s is waited out. */
async function awayFromHourEnd(): Promise<void> {
  const left = 3_600_000 - (Date.now() % 3_600_000);
  if (left < 10_000) await sleep(left + 100);
}

export function runLeaseContract(name: string, open: LeaseHarnessFactory): void {
  async function withStores(count: number, body: (stores: CounterStore[], totals: () => Promise<number[]>) => Promise<void>, clock?: Clock): Promise<void> {
    if (!clock) await awayFromHourEnd();
    const harness = await open(count, clock);
    try {
      await body(harness.stores, () => harness.totals());
    } finally {
      await Promise.all(harness.stores.map((store) => store.close()));
      await harness.cleanup();
    }
  }

  describe(`counter leases: ${name}`, () => {
    test(`a busy count takes one store operation per ${LEASE_UNITS + 1} calls; the store holds the lease, a peek counts only calls`, () =>
      withStores(1, async ([store], totals) => {
        const request = limit('busy', HOUR, 1_000_000);
        await store!.commit(await mustReserve(store!, [request]));
        assert.deepEqual(await totals(), [1 + LEASE_UNITS]);
        for (let i = 0; i < LEASE_UNITS; i++) await store!.commit(await mustReserve(store!, [request]));
        assert.deepEqual(await totals(), [1 + LEASE_UNITS], `the next ${LEASE_UNITS} calls never touched the store`);
        assert.equal(await store!.peek(request), 1 + LEASE_UNITS);
        await store!.commit(await mustReserve(store!, [request]));
        assert.deepEqual(await totals(), [2 + 2 * LEASE_UNITS], 'the next call took a new lease');
        assert.equal(await store!.peek(request), 2 + LEASE_UNITS);
      }));

    test('no lease near the max, for spend amounts, or in a sliding window', () =>
      withStores(1, async ([store], totals) => {
        await mustReserve(store!, [limit('near', HOUR, LEASE_ROOM + LEASE_UNITS)]); // room after a lease: 1,023
        await mustReserve(store!, [limit('spend', HOUR, 1_000_000, 1.5)]);
        await mustReserve(store!, [limit('whole-spend', HOUR, 1_000_000, 2)]);
        await mustReserve(store!, [limit('sliding', { kind: 'sliding', seconds: 60 }, 1_000_000)]);
        await mustReserve(store!, [limit('sliding', { kind: 'sliding', seconds: 60 }, 1_000_000)]);
        assert.deepEqual(ascending(await totals()), [1, 1.5, 2]);
        assert.equal(await store!.peek(limit('sliding', { kind: 'sliding', seconds: 60 }, 1_000_000)), 2);
      }));

    test(`two stores on one counter with leases admit exactly max (${LEASE_ROOM + 100}), never one more`, () =>
      withStores(2, async (stores, totals) => {
        const max = LEASE_ROOM + 100;
        const request = limit('shared', HOUR, max);
        // Each store calls until it is refused: a store is refused only with its own lease empty.
        const admitted = await Promise.all(
          stores.map(async (store) => {
            let calls = 0;
            while ((await store.reserve([request])).kind === 'reserved') {
              calls += 1;
              if (calls % 16 === 0) await sleep(0); // let the other store take turns
            }
            return calls;
          }),
        );
        assert.equal(admitted[0]! + admitted[1]!, max, `admitted ${admitted.join(' + ')}`);
        assert.ok(admitted[0]! > LEASE_UNITS && admitted[1]! > LEASE_UNITS, `both stores counted: ${admitted.join(', ')}`);
        assert.deepEqual(await totals(), [max]);
      }));

    test('unused units go back when the lease ends and when the store closes', () =>
      withStores(2, async ([ending, closing], totals) => {
        for (let i = 0; i < 5; i++) await mustReserve(ending!, [limit('ends', HOUR, 1_000_000)]);
        for (let i = 0; i < 3; i++) await mustReserve(closing!, [limit('closes', HOUR, 1_000_000)]);
        assert.deepEqual(ascending(await totals()), [1 + LEASE_UNITS, 1 + LEASE_UNITS]);
        await closing!.close();
        assert.deepEqual(ascending(await totals()), [3, 1 + LEASE_UNITS]);
        await settlesTo(async () => ascending(await totals()), [3, 5], 'the lease ended and gave back what it did not hand out');
      }));

    test('a rolled-back leased call gives its unit back: to the lease, or to the store once the lease ended', () =>
      withStores(1, async ([store], totals) => {
        const request = limit('undo', HOUR, 1_000_000);
        const first = await mustReserve(store!, [request]);
        const second = await mustReserve(store!, [request]);
        await store!.rollback(second);
        await store!.rollback(second);
        assert.equal(await store!.peek(request), 1);
        assert.deepEqual(await totals(), [1 + LEASE_UNITS], 'the unit went back to the lease, not to the store');
        await store!.commit(first);
        await store!.rollback(first);
        assert.equal(await store!.peek(request), 1, 'a committed call stays counted');
        const third = await mustReserve(store!, [request]);
        await settlesTo(totals, [2], `the lease ended and gave back its ${LEASE_UNITS - 2} unused units`);
        await store!.rollback(third);
        assert.deepEqual(await totals(), [1]);
      }));

    test('rolling back the call that brought a lease gives back its own count and keeps the lease', () =>
      withStores(1, async ([store], totals) => {
        const request = limit('undo-first', HOUR, 1_000_000);
        await store!.rollback(await mustReserve(store!, [request]));
        assert.deepEqual(await totals(), [LEASE_UNITS]);
        assert.equal(await store!.peek(request), 0);
        for (let i = 0; i < LEASE_UNITS; i++) await mustReserve(store!, [request]);
        assert.deepEqual(await totals(), [LEASE_UNITS], `the lease served the next ${LEASE_UNITS} calls`);
      }));

    test('a call mixing a leased count and a spend amount: commit stands, rollback gives back both', () =>
      withStores(1, async ([store], totals) => {
        const calls = limit('mix-calls', HOUR, 1_000_000);
        const spend = limit('mix-spend', HOUR, 1_000_000, 2.5);
        const first = await store!.reserve([calls, spend]); // the count asks for a lease
        assert.equal(first.kind, 'reserved');
        const second = await store!.reserve([calls, spend]); // the count from the lease, the spend from the store
        if (second.kind !== 'reserved') assert.fail(second.kind);
        await store!.commit(second.reservation);
        await store!.rollback(second.reservation);
        assert.deepEqual([await store!.peek(calls), await store!.peek(spend)], [2, 5], 'a committed call stays counted');
        const third = await store!.reserve([calls, spend]);
        if (third.kind !== 'reserved') assert.fail(third.kind);
        await store!.rollback(third.reservation);
        await store!.rollback(third.reservation);
        assert.deepEqual([await store!.peek(calls), await store!.peek(spend)], [2, 5]);
        assert.deepEqual(ascending(await totals()), [5, 1 + LEASE_UNITS]);
      }));

    test('a call naming one busy counter twice takes two units', () =>
      withStores(1, async ([store], totals) => {
        const twice = [limit('twice', HOUR, 1_000_000), limit('twice', HOUR, 1_000_000, 1, 'alias')];
        assert.equal((await store!.reserve(twice)).kind, 'reserved'); // one lease asked for both
        assert.deepEqual(await totals(), [2 + LEASE_UNITS]);
        assert.equal((await store!.reserve(twice)).kind, 'reserved');
        assert.deepEqual(await totals(), [2 + LEASE_UNITS], 'both from the lease');
        assert.equal(await store!.peek(twice[0]!), 4);
      }));

    test('a lease is not used under another max (a reloaded policy): it ends and its units go back', () =>
      withStores(1, async ([store], totals) => {
        await mustReserve(store!, [limit('reloaded', HOUR, 1_000_000)]);
        await mustReserve(store!, [limit('reloaded', HOUR, 2_000_000)]); // ends the first lease, takes a new one
        assert.deepEqual(await totals(), [2 + LEASE_UNITS]);
        assert.equal(await store!.peek(limit('reloaded', HOUR, 2_000_000)), 2);
      }));

    test('a leased call rolled back after its window ended gives back to that window only', () => {
      const clock = createManualClock(Date.UTC(2026, 10, 21, 12, 0, 58, 0)); // 2 s before a minute ends
      return withStores(
        1,
        async ([store], totals) => {
          const request = limit('late', MINUTE, 1_000_000);
          await mustReserve(store!, [request]); // brings a lease
          const leased = await mustReserve(store!, [request]);
          clock.advance(2_000); // the next minute
          await mustReserve(store!, [request]); // ends the old lease (its 30 unused units go back), takes a new one
          await store!.rollback(leased);
          const after = await totals();
          assert.equal(after.at(-1), 1 + LEASE_UNITS, 'the new window is untouched');
          if (after.length > 1) assert.equal(after[0], 1, 'the old window lost the rolled-back call');
          assert.equal(await store!.peek(request), 1);
        },
        clock,
      );
    });

    test('a lease stops before its window ends, and no call lands in the wrong window', () => {
      const clock = createManualClock(Date.UTC(2026, 10, 21, 12, 0, 58, 0)); // 2 s before a minute ends
      return withStores(
        1,
        async ([store], totals) => {
          const request = limit('edge', MINUTE, 1_000_000);
          await mustReserve(store!, [request]); // a lease: the window lasts 2 s more
          assert.deepEqual(await totals(), [1 + LEASE_UNITS]);
          clock.advance(LEASE_TTL_MS + 100); // the lease has ended; 900 ms of the window left
          await mustReserve(store!, [request]); // gives back its unused units, takes a lease good for 650 ms
          assert.deepEqual(await totals(), [2 + LEASE_UNITS]);
          clock.advance(700); // 200 ms left: the lease has ended, and the window is too short for another
          await mustReserve(store!, [request]);
          assert.deepEqual(await totals(), [3]);
          clock.advance(300); // the next minute (the old window's count may be swept once it ended)
          await mustReserve(store!, [request]);
          assert.equal((await totals()).at(-1), 1 + LEASE_UNITS);
          assert.equal(await store!.peek(request), 1);
        },
        clock,
      );
    });
  });
}
