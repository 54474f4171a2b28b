// The in-process counter store: counters live in Maps and die with the process. Used by tests,
// by `wrap` without a data dir, and as the fast path the benchmark measures.
import type { CalendarUnit, LimitRequest, WindowSpec } from '../policy/types.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { CounterStore, Reservation, ReserveResult } from './counter-store.js';
import {
  CALENDAR_UNIT_MS,
  fits,
  isValidAmount,
  slidingCutoffMs,
  slidingRetryAfterMs,
  type SlidingEntry,
} from './windows.js';

export interface MemoryCounterStoreOptions {
  clock?: Clock;
}

/** Only the newest calendar window is kept: older ones can no longer admit or be rolled back. */
interface CalendarState {
  kind: 'calendar';
  unitMs: number;
  index: number;
  total: number;
}

/** A log of reserved amounts, oldest first; `entries[0..head)` have left the window. */
interface SlidingState {
  kind: 'sliding';
  lengthMs: number;
  entries: SlidingEntry[];
  head: number;
  total: number;
}

type CounterState = CalendarState | SlidingState;

/** What one reservation added, and where, so rollback touches exactly that and nothing newer. */
type Applied =
  | { kind: 'calendar'; state: CalendarState; index: number; amount: number }
  | { kind: 'sliding'; state: SlidingState; entry: SlidingEntry };

interface HeldReservation {
  applied: Applied[];
  /** After this instant every window it touched has ended, so rollback would change nothing. */
  expiresAt: number;
}

/** Expired windows and reservations are swept at most this often (in clock time). */
const SWEEP_INTERVAL_MS = 1_000;
/** A sliding log is compacted once this many dead entries sit at its front. */
const COMPACT_AFTER = 64;
const DONE: Promise<void> = Promise.resolve();

export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): CounterStore {
  const clock = options.clock ?? systemClock;
  // key → window (a calendar unit, or a sliding length in seconds) → state. Two Map lookups and
  // no string building per counter: the key the engine built is used as is.
  const counters = new Map<string, Map<CalendarUnit | number, CounterState>>();
  const held = new Map<string, HeldReservation>();
  let sequence = 0;
  let nextSweepAt = Number.NEGATIVE_INFINITY;

  function stateFor(key: string, window: WindowSpec, create: boolean): CounterState | undefined {
    let windows = counters.get(key);
    const id = window.kind === 'calendar' ? window.unit : window.seconds;
    let state = windows?.get(id);
    if (state !== undefined || !create) return state;
    state =
      window.kind === 'calendar'
        ? { kind: 'calendar', unitMs: CALENDAR_UNIT_MS[window.unit], index: Number.NEGATIVE_INFINITY, total: 0 }
        : { kind: 'sliding', lengthMs: window.seconds * 1000, entries: [], head: 0, total: 0 };
    if (windows === undefined) counters.set(key, (windows = new Map()));
    windows.set(id, state);
    return state;
  }

  function sweep(now: number): void {
    nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, windows] of counters) {
      for (const [id, state] of windows) {
        if (hasEnded(state, now)) windows.delete(id);
      }
      if (windows.size === 0) counters.delete(key);
    }
    for (const [id, reservation] of held) if (reservation.expiresAt <= now) held.delete(id);
  }

  function reserveNow(requests: readonly LimitRequest[]): ReserveResult {
    const now = clock.now();
    if (now >= nextSweepAt) sweep(now);
    const applied: Applied[] = [];
    let expiresAt = now;
    for (const request of requests) {
      if (!isValidAmount(request.amount)) {
        undo(applied);
        return { kind: 'unavailable', reason: `invalid amount ${request.amount} for counter ${request.counter}` };
      }
      const state = stateFor(request.key, request.window, true)!;
      const retryAfterMs =
        state.kind === 'calendar' ? applyCalendar(state, request, now, applied) : applySliding(state, request, now, applied);
      if (retryAfterMs !== ADMITTED) {
        undo(applied);
        return { kind: 'exceeded', request, current: state.total, retryAfterMs };
      }
      // By now + length every window it touched has ended. (After a clock step back this can be
      // early; forgetting a reservation early only turns a late rollback into a no-op.)
      expiresAt = Math.max(expiresAt, now + (state.kind === 'calendar' ? state.unitMs : state.lengthMs));
    }
    const reservation: Reservation = { id: `mem_${++sequence}`, requests };
    if (applied.length > 0) held.set(reservation.id, { applied, expiresAt });
    return { kind: 'reserved', reservation };
  }

  return {
    reserve: (requests) => Promise.resolve(reserveNow(requests)),
    commit: (reservation) => {
      // The counts stand; only the means to undo them is forgotten, so a later rollback is a no-op.
      held.delete(reservation.id);
      return DONE;
    },
    rollback: (reservation) => {
      const reservationHeld = held.get(reservation.id);
      if (reservationHeld !== undefined) {
        held.delete(reservation.id);
        undo(reservationHeld.applied);
      }
      return DONE;
    },
    peek: (request) => {
      const state = stateFor(request.key, request.window, false);
      if (state === undefined) return Promise.resolve(0);
      const now = clock.now();
      if (state.kind === 'sliding') return Promise.resolve(prune(state, now));
      return Promise.resolve(Math.floor(now / state.unitMs) > state.index ? 0 : state.total);
    },
    close: () => {
      counters.clear();
      held.clear();
      return DONE;
    },
  };
}

/** What `applyCalendar`/`applySliding` return when the amount fit; otherwise they return the
 *  retry time, which is always at least 1 ms. A number, not an object: this is the hot path. */
const ADMITTED = 0;

function applyCalendar(state: CalendarState, request: LimitRequest, now: number, applied: Applied[]): number {
  const index = Math.floor(now / state.unitMs);
  // A clock that stepped back keeps counting in the newest window: never a second fresh budget.
  if (index > state.index) {
    state.index = index;
    state.total = 0;
  }
  if (!fits(state.total, request.amount, request.max)) return (state.index + 1) * state.unitMs - now;
  state.total += request.amount;
  applied.push({ kind: 'calendar', state, index: state.index, amount: request.amount });
  return ADMITTED;
}

function applySliding(state: SlidingState, request: LimitRequest, now: number, applied: Applied[]): number {
  prune(state, now);
  if (!fits(state.total, request.amount, request.max)) {
    // The running total is a fast bound that fractional amounts can skew: a refusal is decided
    // on the exact sum of the live entries, so rounding never refuses a call that fits.
    state.total = liveTotal(state);
    if (!fits(state.total, request.amount, request.max)) {
      return slidingRetryAfterMs(state.entries, now, state.lengthMs, request.amount, request.max, state.head);
    }
  }
  if (request.amount === 0) return ADMITTED; // counts nothing, so nothing to log or give back
  const last = state.entries[state.entries.length - 1];
  // Kept in time order even if the clock steps back, so pruning from the front stays correct.
  const entry: SlidingEntry = { at: last !== undefined && last.at > now ? last.at : now, amount: request.amount };
  state.entries.push(entry);
  state.total += entry.amount;
  applied.push({ kind: 'sliding', state, entry });
  return ADMITTED;
}

/** Whether nothing counted in this state can matter any more. A log goes only when empty, not when
 *  its total reads zero: with fractional amounts the running total is not exact. */
function hasEnded(state: CounterState, now: number): boolean {
  if (state.kind === 'calendar') return Math.floor(now / state.unitMs) > state.index;
  prune(state, now);
  return state.entries.length === 0;
}

/** Drops entries that left the window and returns the live total. A dropped entry's amount is
 *  zeroed, which is what makes a late rollback of it a no-op. */
function prune(state: SlidingState, now: number): number {
  const cutoff = slidingCutoffMs(now, state.lengthMs);
  const entries = state.entries;
  let head = state.head;
  while (head < entries.length && entries[head]!.at <= cutoff) {
    const entry = entries[head++]!;
    state.total -= entry.amount;
    entry.amount = 0;
  }
  if (head === entries.length) {
    entries.length = 0;
    head = 0;
    state.total = 0; // an empty log is exactly zero, whatever rounding accumulated
  } else if (head >= COMPACT_AFTER && head * 2 >= entries.length) {
    entries.splice(0, head);
    head = 0;
  }
  state.head = head;
  return state.total;
}

function liveTotal(state: SlidingState): number {
  let total = 0;
  for (let i = state.head; i < state.entries.length; i++) total += state.entries[i]!.amount;
  return total;
}

/** Gives back what was applied, newest first (a refused call's own entries are the newest). */
function undo(applied: readonly Applied[]): void {
  for (let i = applied.length - 1; i >= 0; i--) {
    const step = applied[i]!;
    if (step.kind === 'calendar') {
      // Only the window the amount went into: after a rollover the new window is left alone.
      if (step.state.index === step.index) step.state.total = Math.max(0, step.state.total - step.amount);
    } else {
      step.state.total -= step.entry.amount;
      step.entry.amount = 0;
    }
  }
}
