// A process's leases on busy counters of a shared store (decision 019): units of one calendar window
// that the store (Redis, or the SQLite file) has already counted for this process, handed out here,
// one per call, without a round trip or a write. A lease lives at most LEASE_TTL_MS and ends before
// its window does; what it did not hand out goes back.
import type { CalendarUnit, LimitRequest } from '../policy/types.js';
import { CALENDAR_UNIT_MS } from './windows.js';

/** Units asked for with a call that finds no lease. */
export const LEASE_UNITS = 32;
/** A lease is granted only while at least this much would still be left in the window after it, so
 *  a counter near its max is counted call by call in the store, exactly as without leases. */
export const LEASE_ROOM = 1_024;
/** The longest a lease lives; what it holds unused is then given back. */
export const LEASE_TTL_MS = 1_000;
/** A lease stops this long before its window ends (on the clock the windows follow: Redis's, with
 *  Redis), so no call lands in the wrong window. */
export const LEASE_END_MARGIN_MS = 250;

/** What a store granted. `W`: how it names the window whose total holds the lease (a Redis key, a
 *  SQLite row). */
export interface LeaseGrant<W> {
  readonly window: W;
  readonly units: number;
  /** The limit it was granted under: a call under another `max` (a reloaded policy) ends it. */
  readonly max: number;
  /** On the book's clock. */
  readonly until: number;
  /** On the wall clock too: the book's clock may stand still while the machine is suspended. */
  readonly wallUntil: number;
}

export interface Lease<W> {
  readonly grant: LeaseGrant<W>;
  left: number;
  ended: boolean;
  timer?: NodeJS.Timeout;
}

/** One unit a call took from a lease. */
export interface LeaseTake {
  readonly lease: Lease<unknown>;
}

export interface LeaseBookOptions<W> {
  /** Milliseconds on the clock the store's windows follow here (monotonic when they follow Redis). */
  now(): number;
  /** The wall clock (`Date.now`, or the test's clock); `now` when absent. */
  wallNow?(): number;
  /** Takes `units` off a window's total in the store (a no-op once the window has ended). */
  giveBack(window: W, units: number): Promise<void>;
}

export interface LeaseBook<W> {
  readonly now: () => number;
  /** A unit for a request under `max`, if a live lease granted under the same `max` has one. */
  take(slot: string, max: number): LeaseTake | undefined;
  /** True (and from then on false until `answeredAll`) when no lease is being asked for this slot. */
  ask(slot: string): boolean;
  /** A lease the store granted (given back at once if the book is closed). */
  add(slot: string, grant: LeaseGrant<W>): void;
  /** The call did not run: its units go back to their leases, or to the store once a lease has ended. */
  giveBack(takes: readonly LeaseTake[]): Promise<unknown>;
  /** The store answered a call that asked for these slots' leases (`LeaseSplit.asked`). */
  answeredAll(asked: ReadonlyArray<string | undefined>): void;
  /** A calendar window's total in the store, without the units this process holds unused (they
   *  are not calls). */
  callsIn(key: string, unit: CalendarUnit, total: number): number;
  /** Ends every lease, giving back what is unused. */
  close(): Promise<void>;
}

/** The slot of a request a lease can serve: a calendar count of calls (amount 1) under a max high
 *  enough that a lease could ever be granted (`mayGrantLease`). Spend amounts and sliding windows
 *  (whose entries carry the time of the call) are always counted in the store, and a small limit
 *  ("30 per hour") asks for no lease it could never get. */
export function leaseSlot(request: LimitRequest): string | undefined {
  if (request.window.kind !== 'calendar' || request.amount !== 1) return undefined;
  if (request.max - request.amount - LEASE_UNITS < LEASE_ROOM) return undefined;
  return calendarSlot(request.key, request.window.unit);
}

/** A counter key's slot in one kind of calendar window. */
export function calendarSlot(key: string, unit: CalendarUnit): string {
  return `${CALENDAR_UNIT_MS[unit]}:${key}`;
}

/** A call's requests split: units taken from live leases, the rest for the store, and per rest
 *  request the slot whose next lease it asks for (once per slot and call, none while one is asked). */
export interface LeaseSplit {
  takes: LeaseTake[];
  rest: LimitRequest[];
  asked: Array<string | undefined>;
}

export function splitByLeases(book: LeaseBook<unknown> | undefined, requests: readonly LimitRequest[]): LeaseSplit {
  const split: LeaseSplit = { takes: [], rest: [], asked: [] };
  for (const request of requests) {
    const slot = book && leaseSlot(request);
    const take = slot === undefined ? undefined : book!.take(slot, request.max);
    if (take) split.takes.push(take);
    else {
      split.rest.push(request);
      split.asked.push(slot !== undefined && !split.asked.includes(slot) && book!.ask(slot) ? slot : undefined);
    }
  }
  return split;
}

/** When a lease granted at `grantedAt` stops: LEASE_TTL_MS later, or LEASE_END_MARGIN_MS before its
 *  window ends (`windowEndsIn` ms after `grantedAt`), whichever comes first. */
export function leaseValidUntil(grantedAt: number, windowEndsIn: number): number {
  return grantedAt + Math.min(LEASE_TTL_MS, windowEndsIn - LEASE_END_MARGIN_MS);
}

/** Whether a store may grant a lease: enough room left after it, and enough of the window left. */
export function mayGrantLease(max: number, totalAfterCall: number, windowEndsIn: number): boolean {
  return max - totalAfterCall - LEASE_UNITS >= LEASE_ROOM && windowEndsIn > 2 * LEASE_END_MARGIN_MS;
}

export function createLeaseBook<W>(options: LeaseBookOptions<W>): LeaseBook<W> {
  const leases = new Map<string, Lease<W>>();
  const asking = new Set<string>();
  const returning = new Set<Promise<void>>();
  const wallNow = options.wallNow ?? options.now;
  let closed = false;

  function giveBackUnits(window: W, units: number): Promise<void> {
    const sent = options.giveBack(window, units);
    returning.add(sent);
    void sent.finally(() => returning.delete(sent));
    return sent;
  }

  function end(lease: Lease<W>): void {
    if (lease.ended) return;
    lease.ended = true;
    clearTimeout(lease.timer);
    const unused = lease.left;
    lease.left = 0;
    if (unused > 0) void giveBackUnits(lease.grant.window, unused);
  }

  function live(slot: string): Lease<W> | undefined {
    const lease = leases.get(slot);
    if (lease === undefined || lease.ended) return undefined;
    // Ended here, not only by its timer: a call that goes to the store next must find these units
    // given back first (Redis: sent first on the same connection), not counted against it.
    if (options.now() >= lease.grant.until || wallNow() >= lease.grant.wallUntil) {
      end(lease);
      return undefined;
    }
    return lease;
  }

  return {
    now: options.now,
    take: (slot, max) => {
      const lease = live(slot);
      if (lease !== undefined && lease.grant.max !== max) end(lease);
      if (lease === undefined || lease.ended || lease.left < 1) return undefined;
      lease.left -= 1;
      if (lease.left === 0) end(lease);
      return { lease };
    },
    ask: (slot) => {
      if (asking.has(slot)) return false;
      asking.add(slot);
      return true;
    },
    add: (slot, grant) => {
      const lease: Lease<W> = { grant, left: grant.units, ended: false };
      const previous = leases.get(slot);
      if (previous) end(previous);
      leases.set(slot, lease);
      const lifeMs = Math.min(grant.until - options.now(), grant.wallUntil - wallNow());
      if (closed || lifeMs <= 0) end(lease);
      else lease.timer = setTimeout(() => end(lease), lifeMs).unref();
    },
    giveBack: (takes) =>
      Promise.all(
        takes.map(async (take) => {
          const lease = take.lease as Lease<W>;
          if (!lease.ended) lease.left += 1;
          else await giveBackUnits(lease.grant.window, 1);
        }),
      ),
    answeredAll: (asked) => {
      for (const slot of asked) if (slot !== undefined) asking.delete(slot);
    },
    callsIn: (key, unit, total) => total - (live(calendarSlot(key, unit))?.left ?? 0),
    close: async () => {
      closed = true;
      for (const lease of leases.values()) end(lease);
      leases.clear();
      await Promise.allSettled([...returning]);
    },
  };
}
