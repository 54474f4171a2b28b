// The one behaviour suite every CounterStore backend runs (memory, SQLite, later Redis): a backend
// is correct when it passes this unchanged. Time is a ManualClock, so windows are walked, not slept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../lib/clock.js';
import type { CalendarUnit, LimitRequest, WindowSpec } from '../policy/types.js';
import type { CounterStore, Reservation, ReserveResult } from './counter-store.js';

export type CounterStoreFactory = (clock: ManualClock) => Promise<CounterStore> | CounterStore;
export type CounterStoreCleanup = (store: CounterStore) => Promise<void> | void;

type Exceeded = Extract<ReserveResult, { kind: 'exceeded' }>;

export const MINUTE: WindowSpec = { kind: 'calendar', unit: 'minute' };
export const HOUR: WindowSpec = { kind: 'calendar', unit: 'hour' };
const TEN_SECONDS: WindowSpec = { kind: 'sliding', seconds: 10 };
const UNIT_MS: Record<CalendarUnit, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** 2026-03-29T12:00:20Z: mid-minute, and a day European clocks change (UTC windows must not care). */
const MID_MINUTE = Date.UTC(2026, 2, 29, 12, 0, 20);

export function limit(key: string, window: WindowSpec, max: number, amount = 1, counter = key): LimitRequest {
  return { key, counter, window, max, amount, rule: `tools.send.limits[0]` };
}

export async function mustReserve(store: CounterStore, requests: readonly LimitRequest[]): Promise<Reservation> {
  const result = await store.reserve(requests);
  // Stringified only when it failed: a reservation may hold a lease, with its timer.
  if (result.kind !== 'reserved') assert.fail(`expected reserved, got ${JSON.stringify(result)}`);
  return result.reservation;
}

async function mustExceed(store: CounterStore, requests: readonly LimitRequest[]): Promise<Exceeded> {
  const result = await store.reserve(requests);
  assert.equal(result.kind, 'exceeded', `expected exceeded, got ${JSON.stringify(result)}`);
  return result as Exceeded;
}

async function fill(store: CounterStore, request: LimitRequest, times: number): Promise<Reservation[]> {
  const held: Reservation[] = [];
  for (let i = 0; i < times; i++) held.push(await mustReserve(store, [request]));
  return held;
}

export function runCounterStoreContract(name: string, make: CounterStoreFactory, cleanup?: CounterStoreCleanup): void {
  /** Each test gets a fresh store on its own clock. */
  async function withStore(startMs: number, body: (store: CounterStore, clock: ManualClock) => Promise<void>) {
    const clock = createManualClock(startMs);
    const store = await make(clock);
    try {
      await body(store, clock);
    } finally {
      await store.close();
      await cleanup?.(store);
    }
  }

  describe(`CounterStore contract: ${name}`, () => {
    test('admits up to max, then refuses with the count and the time until the window ends', () =>
      withStore(MID_MINUTE, async (store) => {
        const request = limit('grant:g1/rate', MINUTE, 3);
        await fill(store, request, 3);
        const refused = await mustExceed(store, [request]);
        assert.deepEqual(refused.request, request);
        assert.equal(refused.current, 3);
        assert.equal(refused.retryAfterMs, 40_000);
        assert.equal(await store.peek(request), 3, 'a refused call counts nothing');
      }));

    test('max 0 refuses the very first call', () =>
      withStore(MID_MINUTE, async (store) => {
        const refused = await mustExceed(store, [limit('k', MINUTE, 0)]);
        assert.equal(refused.current, 0);
        assert.equal(refused.retryAfterMs, 40_000);
      }));

    test('amounts sum up to a spend cap, fractions included', () =>
      withStore(MID_MINUTE, async (store) => {
        const spend = (amount: number) => limit('spend', HOUR, 100, amount);
        await mustReserve(store, [spend(40)]);
        await mustReserve(store, [spend(60)]);
        assert.equal((await mustExceed(store, [spend(0.01)])).current, 100);
        const cents = (amount: number) => limit('cents', HOUR, 0.3, amount);
        await mustReserve(store, [cents(0.1)]);
        await mustReserve(store, [cents(0.2)]); // 0.1 + 0.2 is 0.30000000000000004 in binary
        await mustExceed(store, [cents(0.001)]);
      }));

    test('a zero amount fits even a full counter and counts nothing', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [HOUR, TEN_SECONDS]) {
          await mustReserve(store, [limit('zero', window, 5, 5)]);
          const free = await mustReserve(store, [limit('zero', window, 5, 0)]);
          await store.rollback(free);
          assert.equal(await store.peek(limit('zero', window, 5)), 5);
        }
      }));

    test('an amount larger than max is refused on an empty counter and counts nothing', () =>
      withStore(MID_MINUTE, async (store) => {
        const calendar = await mustExceed(store, [limit('big', MINUTE, 10, 11)]);
        assert.equal(calendar.current, 0);
        assert.equal(calendar.retryAfterMs, 40_000);
        const sliding = await mustExceed(store, [limit('big', TEN_SECONDS, 10, 11)]);
        assert.equal(sliding.retryAfterMs, 10_000, 'never fits: the window length is reported');
        assert.equal(await store.peek(limit('big', MINUTE, 10)), 0);
        await mustReserve(store, [limit('big', MINUTE, 10, 10)]);
      }));

    test('an amount that is not a finite non-negative number is refused and never lowers a count', () =>
      withStore(MID_MINUTE, async (store) => {
        await fill(store, limit('k', MINUTE, 2), 2);
        for (const amount of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
          const result = await store.reserve([limit('k', MINUTE, 2, amount)]);
          assert.equal(result.kind, 'unavailable', `amount ${amount}`);
        }
        assert.equal(await store.peek(limit('k', MINUTE, 2)), 2);
      }));

    test("a call's counters are reserved all together or not at all", () =>
      withStore(MID_MINUTE, async (store) => {
        const wide = limit('wide', MINUTE, 5);
        const narrow = limit('narrow', TEN_SECONDS, 1);
        await mustReserve(store, [narrow]);
        for (const order of [[wide, narrow], [narrow, wide]]) {
          const refused = await mustExceed(store, order);
          assert.deepEqual(refused.request, narrow, 'the full counter is named');
        }
        assert.equal(await store.peek(wide), 0, 'nothing was reserved on the counter with room');
        await mustReserve(store, [wide]);
        assert.equal(await store.peek(wide), 1);
      }));

    test('a call naming one counter twice needs room for both amounts', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [MINUTE, TEN_SECONDS]) {
          const twice = [limit('dup', window, 1), limit('dup', window, 1, 1, 'alias')];
          const refused = await mustExceed(store, twice);
          assert.equal(refused.current, 0);
          assert.equal(await store.peek(twice[0]!), 0);
          await mustReserve(store, [twice[0]!]);
        }
      }));

    test('a key is one budget across calls and counter names; other keys and windows are separate', () =>
      withStore(MID_MINUTE, async (store) => {
        await mustReserve(store, [limit('server:shared', MINUTE, 2, 1, 'from_tool_a')]);
        await mustReserve(store, [limit('server:shared', MINUTE, 2, 1, 'from_tool_b')]);
        await mustExceed(store, [limit('server:shared', MINUTE, 2, 1, 'from_tool_a')]);
        await mustReserve(store, [limit('server:other', MINUTE, 2)]);
        await mustReserve(store, [limit('server:shared', HOUR, 2)]);
        assert.equal(await store.peek(limit('server:shared', HOUR, 2)), 1);
      }));

    for (const unit of ['second', 'minute', 'hour', 'day'] as const) {
      test(`a ${unit} window renews exactly at the UTC ${unit} boundary`, () => {
        const boundary = Date.UTC(2026, 2, 29); // midnight UTC: a boundary of every unit
        return withStore(boundary - UNIT_MS[unit], async (store, clock) => {
          const request = limit(`per-${unit}`, { kind: 'calendar', unit }, 2);
          await fill(store, request, 2);
          clock.set(boundary - 1);
          const refused = await mustExceed(store, [request]);
          assert.equal(refused.retryAfterMs, 1);
          clock.advance(1);
          assert.equal(await store.peek(request), 0);
          await fill(store, request, 2);
          await mustExceed(store, [request]);
        });
      });
    }

    test('a sliding window never holds more than max in any interval of its length, and refuses only then', () =>
      withStore(MID_MINUTE, async (store, clock) => {
        const lengthMs = 10_000;
        const max = 4;
        const admitted: { at: number; amount: number }[] = [];
        const inWindow = (now: number) =>
          admitted.filter((entry) => entry.at > now - lengthMs).reduce((sum, entry) => sum + entry.amount, 0);
        let seed = 7;
        for (let step = 0; step < 300; step++) {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; // a fixed walk: same every run
          clock.advance(seed % 1_500);
          const amount = seed % 5 === 0 ? 2 : 1;
          const now = clock.now();
          const before = inWindow(now);
          const result = await store.reserve([limit('slide', TEN_SECONDS, max, amount)]);
          if (result.kind === 'reserved') {
            admitted.push({ at: now, amount });
            assert.ok(inWindow(now) <= max, `over max at step ${step}`);
          } else {
            assert.equal(result.kind, 'exceeded');
            assert.ok(before + amount > max, `refused with room at step ${step}`);
            // Exactly when the last of the oldest amounts that must leave has left.
            let remaining = before;
            const leaving = admitted.find((entry) => entry.at > now - lengthMs && (remaining -= entry.amount) + amount <= max);
            assert.equal(result.retryAfterMs, leaving!.at + lengthMs - now, `retryAfterMs at step ${step}`);
          }
          assert.equal(await store.peek(limit('slide', TEN_SECONDS, max)), inWindow(now));
        }
        assert.ok(admitted.length > 30, 'the walk exercised the window');
      }));

    test('a sliding refusal waits exactly until enough of the oldest amounts have left', () =>
      withStore(MID_MINUTE, async (store, clock) => {
        const t0 = clock.now();
        const spend = (amount: number) => limit('slide-spend', TEN_SECONDS, 10, amount);
        await mustReserve(store, [spend(4)]);
        clock.set(t0 + 2_000);
        await mustReserve(store, [spend(3)]);
        clock.set(t0 + 4_000);
        await mustReserve(store, [spend(3)]);
        clock.set(t0 + 5_000);
        const refused = await mustExceed(store, [spend(5)]);
        assert.equal(refused.current, 10);
        assert.equal(refused.retryAfterMs, 7_000, 'the 4 alone is not enough: the 3 at t0+2s must go too');
        clock.advance(6_999);
        await mustExceed(store, [spend(5)]);
        clock.advance(1);
        await mustReserve(store, [spend(5)]);
      }));

    test('rollback gives the budget back', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [MINUTE, TEN_SECONDS]) {
          const request = limit('undo', window, 2);
          const [first] = await fill(store, request, 2);
          await store.rollback(first!);
          assert.equal(await store.peek(request), 1);
          await mustReserve(store, [request]);
          await mustExceed(store, [request]);
        }
      }));

    test('rollback gives back every counter of the call', () =>
      withStore(MID_MINUTE, async (store) => {
        const both = [limit('a', MINUTE, 5, 2), limit('b', TEN_SECONDS, 5, 3)];
        await store.rollback(await mustReserve(store, both));
        assert.equal(await store.peek(both[0]!), 0);
        assert.equal(await store.peek(both[1]!), 0);
      }));

    test('rollback is idempotent', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [MINUTE, TEN_SECONDS]) {
          const request = limit('twice', window, 3);
          const [first] = await fill(store, request, 3);
          await store.rollback(first!);
          await store.rollback(first!);
          assert.equal(await store.peek(request), 2, 'a second rollback gives nothing more back');
          await mustReserve(store, [request]);
          await mustExceed(store, [request]);
        }
      }));

    test('rollback after the window rolled over leaves the new window alone', () =>
      withStore(Date.UTC(2026, 2, 29, 12, 0, 59, 999), async (store, clock) => {
        const request = limit('late', MINUTE, 2);
        const [old] = await fill(store, request, 1);
        clock.advance(1);
        await fill(store, request, 2);
        await store.rollback(old!);
        assert.equal(await store.peek(request), 2);
        await mustExceed(store, [request]);

        const sliding = limit('late', TEN_SECONDS, 2);
        const [expired] = await fill(store, sliding, 1);
        clock.advance(10_000);
        await fill(store, sliding, 2);
        await store.rollback(expired!);
        assert.equal(await store.peek(sliding), 2);
        await mustExceed(store, [sliding]);
      }));

    test('commit is idempotent and the counts stand; rollback after commit gives nothing back', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [MINUTE, TEN_SECONDS]) {
          const request = limit('done', window, 2);
          const [first] = await fill(store, request, 2);
          await store.commit(first!);
          await store.commit(first!);
          assert.equal(await store.peek(request), 2);
          // The server ran the call: a late "it failed" must not hand out a budget it spent.
          await store.rollback(first!);
          assert.equal(await store.peek(request), 2);
          await mustExceed(store, [request]);
        }
      }));

    test('a call with no counters is reserved and needs nothing given back', () =>
      withStore(MID_MINUTE, async (store) => {
        const reservation = await mustReserve(store, []);
        await store.rollback(reservation);
        await store.commit(reservation);
      }));

    test('200 concurrent reserves against max 25 reserve exactly 25', () =>
      withStore(MID_MINUTE, async (store) => {
        for (const window of [MINUTE, TEN_SECONDS]) {
          const request = limit('burst', window, 25);
          const results = await Promise.all(Array.from({ length: 200 }, () => store.reserve([request])));
          assert.equal(results.filter((result) => result.kind === 'reserved').length, 25);
          assert.equal(results.filter((result) => result.kind === 'exceeded').length, 175);
          assert.equal(await store.peek(request), 25);
        }
      }));
  });
}
