// The embedded counter store: counters in the gateway's SQLite file, so they survive a restart and
// are shared by every process on the file (the gateway, a stdio `wrap`). Tables are prefixed `counter_`.
// A busy call count is served from a lease the reserve transaction grants with it (counter-leases.ts).
import type { LimitRequest } from '../policy/types.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { sequentialId } from '../lib/ids.js';
import type { SqliteDatabase } from '../lib/sqlite.js';
import { createLeaseBook, LEASE_UNITS, leaseValidUntil, mayGrantLease, splitByLeases, type LeaseBook, type LeaseGrant, type LeaseSplit, type LeaseTake } from './counter-leases.js';
import type { CounterStore, Reservation, ReserveResult } from './counter-store.js';
import {
  calendarWindow,
  fits,
  isValidAmount,
  slidingCutoffMs,
  slidingRetryAfterMs,
  windowLengthMs,
  type SlidingEntry,
} from './windows.js';

export interface SqliteCounterStoreOptions {
  /** A handle from `openDatabase`; shared with other modules, so the store never closes it. */
  db: SqliteDatabase;
  clock?: Clock;
  /** Serve busy call counts from leases (default true; decision 019). */
  leases?: boolean;
}

// Sliding rows use AUTOINCREMENT so a pruned id is never reused: a late rollback deletes by id and
// must not hit a newer reservation's row. `counter_sliding_totals` is the sum of a log's rows, kept
// so a reserve reads one row instead of summing the window. `expires_at`: when a row stops mattering.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS counter_calendar (
  key TEXT NOT NULL,
  unit TEXT NOT NULL,
  window_index INTEGER NOT NULL,
  total REAL NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, unit, window_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counter_calendar_expires ON counter_calendar (expires_at);
CREATE TABLE IF NOT EXISTS counter_sliding (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  seconds REAL NOT NULL,
  at INTEGER NOT NULL,
  amount REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS counter_sliding_window ON counter_sliding (key, seconds, at);
CREATE TABLE IF NOT EXISTS counter_sliding_totals (
  key TEXT NOT NULL,
  seconds REAL NOT NULL,
  total REAL NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, seconds)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counter_sliding_totals_expires ON counter_sliding_totals (expires_at);
-- Older files kept reservation records here; they are now kept in memory.
DROP TABLE IF EXISTS counter_reservations;
`;

/** What a reservation added, where: a calendar total, or one sliding row. Carried in the reservation (`counted`). */
type Entry =
  | { kind: 'calendar'; key: string; unit: string; index: number; amount: number }
  | { kind: 'sliding'; id: number };

/** A calendar window's row: where a lease's units are counted. */
interface CalendarRow {
  key: string;
  unit: string;
  index: number;
}

/** What a reservation counted: rows in the file, and units taken from this store's leases. */
interface Counted {
  entries: readonly Entry[];
  takes: readonly LeaseTake[];
}

/** A lease the reserve transaction counted, to hand to the book once the transaction has committed. */
interface Grant {
  slot: string;
  lease: LeaseGrant<CalendarRow>;
}

/** Expired rows are swept at most this often (in clock time), inside a reserve transaction. */
const SWEEP_INTERVAL_MS = 1_000;

export function createSqliteCounterStore(options: SqliteCounterStoreOptions): CounterStore {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  db.exec(SCHEMA);

  const calendarTotal = db
    .prepare<[string, string, number], number>(
      'SELECT total FROM counter_calendar WHERE key = ? AND unit = ? AND window_index = ?',
    )
    .pluck();
  const addCalendar = db.prepare<[string, string, number, number, number]>(
    `INSERT INTO counter_calendar (key, unit, window_index, total, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key, unit, window_index) DO UPDATE SET total = total + excluded.total`,
  );
  const subtractCalendar = db.prepare<[number, string, string, number]>(
    'UPDATE counter_calendar SET total = max(0, total - ?) WHERE key = ? AND unit = ? AND window_index = ?',
  );
  const slidingSum = db
    .prepare<[string, number, number], number>(
      'SELECT coalesce(sum(amount), 0) FROM counter_sliding WHERE key = ? AND seconds = ? AND at > ?',
    )
    .pluck();
  const slidingRows = db.prepare<[string, number, number], SlidingEntry>(
    'SELECT at, amount FROM counter_sliding WHERE key = ? AND seconds = ? AND at > ? ORDER BY at, id',
  );
  const addSliding = db.prepare<[string, number, number, number]>(
    'INSERT INTO counter_sliding (key, seconds, at, amount) VALUES (?, ?, ?, ?)',
  );
  const pruneSliding = db
    .prepare<[string, number, number], number>(
      'DELETE FROM counter_sliding WHERE key = ? AND seconds = ? AND at <= ? RETURNING amount',
    )
    .pluck();
  const deleteSliding = db.prepare<[number], { key: string; seconds: number; amount: number }>(
    'DELETE FROM counter_sliding WHERE id = ? RETURNING key, seconds, amount',
  );
  const slidingTotal = db
    .prepare<[string, number], number>('SELECT total FROM counter_sliding_totals WHERE key = ? AND seconds = ?')
    .pluck();
  const addSlidingTotal = db.prepare<[string, number, number, number]>(
    `INSERT INTO counter_sliding_totals (key, seconds, total, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key, seconds) DO UPDATE SET total = total + excluded.total, expires_at = max(expires_at, excluded.expires_at)`,
  );
  const subtractSlidingTotal = db.prepare<[number, string, number]>(
    'UPDATE counter_sliding_totals SET total = max(0, total - ?) WHERE key = ? AND seconds = ?',
  );
  const setSlidingTotal = db.prepare<[number, string, number]>(
    'UPDATE counter_sliding_totals SET total = ? WHERE key = ? AND seconds = ?',
  );
  // A log whose newest row has left the window goes whole, with its total; a live log is pruned
  // when next reserved on, so its total stays exact.
  const sweeps = [
    db.prepare<[number]>('DELETE FROM counter_calendar WHERE expires_at <= ?'),
    db.prepare<[number]>(
      `DELETE FROM counter_sliding WHERE (key, seconds) IN
       (SELECT key, seconds FROM counter_sliding_totals WHERE expires_at <= ?)`,
    ),
    db.prepare<[number]>('DELETE FROM counter_sliding_totals WHERE expires_at <= ?'),
  ];
  // This store's reservations not yet settled, with when they stop mattering. Kept in memory, not
  // in the file: a crash leaves the counts standing either way, and settling them costs no write.
  const open = new Map<string, number>();
  const ownIds = `${sequentialId('rsv')}_`;
  let nextReservation = 0;

  let nextSweepAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const book: LeaseBook<CalendarRow> | undefined =
    options.leases === false
      ? undefined
      : createLeaseBook<CalendarRow>({
          now: () => clock.now(),
          giveBack: async ({ key, unit, index }, units) => {
            // A closed or failing file keeps the units counted until the window ends (the safe error).
            try {
              subtractCalendar.run(units, key, unit, index);
            } catch {
              /* nothing more to do */
            }
          },
        });
  // Settled reservations (committed or rolled back): a second settle gives nothing back.
  const settled = new WeakSet<Reservation>();

  /** Checks every counter, then applies them all: one IMMEDIATE transaction, so no other process
   *  can slip a reservation in between the check and the write. `split.rest` are the requests to
   *  count here; `split.asked[i]`: the slot whose lease rest[i] asks for, granted (counted here too)
   *  when the window has room and time for it. The reservation covers every request of the call. */
  const reserveTx = db.transaction((all: readonly LimitRequest[], split: LeaseSplit, grants: Grant[], now: number): ReserveResult => {
    const { rest: requests, asked, takes } = split;
    if (now >= nextSweepAt) {
      for (const sweep of sweeps) sweep.run(now);
      for (const [id, expiresAt] of open) if (expiresAt <= now) open.delete(id);
      nextSweepAt = now + SWEEP_INTERVAL_MS;
    }
    // What this call already claims per counter, for a call that names one counter twice.
    const claimed = new Map<string, number>();
    for (const request of requests) {
      const id = counterId(request);
      const already = claimed.get(id) ?? 0;
      const refused = check(request, already, now);
      if (refused) return refused;
      claimed.set(id, already + request.amount);
    }
    const entries: Entry[] = [];
    let expiresAt = now;
    requests.forEach(({ key, window, amount, max }, i) => {
      if (window.kind === 'calendar') {
        const { index, endMs } = calendarWindow(window.unit, now);
        addCalendar.run(key, window.unit, index, amount, endMs);
        entries.push({ kind: 'calendar', key, unit: window.unit, index, amount });
        expiresAt = Math.max(expiresAt, endMs);
        const slot = asked[i];
        if (slot !== undefined && mayGrantLease(max, calendarTotal.get(key, window.unit, index) ?? 0, endMs - now)) {
          addCalendar.run(key, window.unit, index, LEASE_UNITS, endMs);
          const until = leaseValidUntil(now, endMs - now);
          grants.push({ slot, lease: { window: { key, unit: window.unit, index }, units: LEASE_UNITS, max, until, wallUntil: until } });
        }
      } else if (amount > 0) {
        // One row per amount; a zero amount counts nothing, so it needs no row to give back.
        const endMs = now + windowLengthMs(window);
        const { lastInsertRowid } = addSliding.run(key, window.seconds, now, amount);
        addSlidingTotal.run(key, window.seconds, amount, endMs);
        entries.push({ kind: 'sliding', id: Number(lastInsertRowid) });
        expiresAt = Math.max(expiresAt, endMs);
      }
    });
    const counted: Counted = { entries, takes };
    const reservation: Reservation = { id: `${ownIds}${(nextReservation++).toString(36)}`, requests: all, counted };
    if (entries.length > 0) open.set(reservation.id, expiresAt);
    return { kind: 'reserved', reservation };
  });

  function check(request: LimitRequest, already: number, now: number): ReserveResult | undefined {
    const { key, window, amount, max } = request;
    if (window.kind === 'calendar') {
      const { index, endMs } = calendarWindow(window.unit, now);
      const current = calendarTotal.get(key, window.unit, index) ?? 0;
      if (fits(current + already, amount, max)) return undefined;
      return { kind: 'exceeded', request, current, retryAfterMs: endMs - now };
    }
    const lengthMs = windowLengthMs(window);
    const cutoff = slidingCutoffMs(now, lengthMs);
    let left = 0;
    for (const expired of pruneSliding.all(key, window.seconds, cutoff)) left += expired;
    if (left > 0) subtractSlidingTotal.run(left, key, window.seconds);
    let current = slidingTotal.get(key, window.seconds) ?? 0;
    if (fits(current + already, amount, max)) return undefined;
    // The running total is a fast bound that fractional amounts can skew: a refusal is decided
    // on the exact sum of the live entries, so rounding never refuses a call that fits.
    current = slidingSum.get(key, window.seconds, cutoff) ?? 0;
    setSlidingTotal.run(current, key, window.seconds);
    if (fits(current + already, amount, max)) return undefined;
    const rows = slidingRows.all(key, window.seconds, cutoff);
    return { kind: 'exceeded', request, current, retryAfterMs: slidingRetryAfterMs(rows, now, lengthMs, already + amount, max) };
  }

  /** Gives back exactly what was counted: the calendar window it went into (a newer window is a
   *  different row, left alone) and the sliding rows it inserted (gone already if expired). */
  const rollbackTx = db.transaction((entries: readonly Entry[]): void => {
    for (const entry of entries) {
      if (entry.kind === 'calendar') subtractCalendar.run(entry.amount, entry.key, entry.unit, entry.index);
      else {
        const row = deleteSliding.get(entry.id);
        if (row) subtractSlidingTotal.run(row.amount, row.key, row.seconds);
      }
    }
  });

  /** Units from live leases first; the rest (and the first of each slot's next lease) in one transaction. */
  async function reserve(requests: readonly LimitRequest[]): Promise<ReserveResult> {
    const split = splitByLeases(book, requests);
    if (split.rest.length === 0) {
      const id = `${ownIds}${(nextReservation++).toString(36)}`;
      return { kind: 'reserved', reservation: { id, requests, counted: { entries: [], takes: split.takes } satisfies Counted } };
    }
    const grants: Grant[] = [];
    let result: ReserveResult;
    try {
      result = reserveTx.immediate(requests, split, grants, clock.now());
    } catch (error) {
      // SQLITE_BUSY past the busy timeout, a full disk, a closed handle: the call must not pass.
      result = { kind: 'unavailable', reason: `sqlite counter store: ${(error as Error).message}` };
    } finally {
      book?.answeredAll(split.asked);
    }
    if (result.kind !== 'reserved') await book?.giveBack(split.takes);
    else for (const grant of grants) book!.add(grant.slot, grant.lease);
    return result;
  }

  return {
    reserve: async (requests) => {
      if (closed) return { kind: 'unavailable', reason: 'the counter store is closed' };
      const invalid = requests.find((request) => !isValidAmount(request.amount));
      if (invalid) return { kind: 'unavailable', reason: `invalid amount ${invalid.amount} for counter ${invalid.counter}` };
      return reserve(requests);
    },
    commit: async (reservation) => {
      // The counts stand already: settling only makes a later rollback a no-op.
      settled.add(reservation);
      open.delete(reservation.id);
    },
    rollback: async (reservation) => {
      if (settled.has(reservation)) return;
      settled.add(reservation);
      const { entries, takes } = (reservation.counted as Counted | undefined) ?? { entries: [], takes: [] };
      await book?.giveBack(takes);
      // This store's own reservation once only; another connection's (same file) as it says.
      if (reservation.id.startsWith(ownIds) && !open.delete(reservation.id)) return;
      if (entries.length > 0) rollbackTx.immediate(entries);
    },
    peek: async ({ key, window }) => {
      const now = clock.now();
      if (window.kind === 'calendar') {
        const total = calendarTotal.get(key, window.unit, calendarWindow(window.unit, now).index) ?? 0;
        return book ? book.callsIn(key, window.unit, total) : total;
      }
      return slidingSum.get(key, window.seconds, slidingCutoffMs(now, windowLengthMs(window))) ?? 0;
    },
    close: async () => {
      closed = true;
      await book?.close();
    },
  };
}

/** A counter is its key in one window: the same key under a minute and an hour limit is two budgets. */
function counterId({ key, window }: LimitRequest): string {
  return `${window.kind === 'calendar' ? window.unit : `${window.seconds}s`}\u0000${key}`;
}
