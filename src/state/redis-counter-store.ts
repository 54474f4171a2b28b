// The shared counter store: counters in Redis, so several gateway replicas hold one limit exactly.
// One script call per reserve (all counters or none), on Redis's clock; fails closed within `timeoutMs`.
// A busy call count is served from a lease the script grants with it (counter-leases.ts).
import { performance } from 'node:perf_hooks';
import { systemClock, type Clock } from '../lib/clock.js';
import { sequentialId } from '../lib/ids.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import type { LimitRequest } from '../policy/types.js';
import type { CounterStore, Reservation, ReserveResult } from './counter-store.js';
import { createRedisConnection, describeRedisFailure, redisScript } from './redis-connection.js';
import { createLeaseBook, LEASE_UNITS, leaseValidUntil, splitByLeases, type LeaseBook, type LeaseTake } from './counter-leases.js';
import { PEEK_SCRIPT, RESERVE_SCRIPT, ROLLBACK_SCRIPT, TAKE_OFF_SCRIPT } from './redis-scripts.js';
import { CALENDAR_UNIT_MS, isValidAmount, windowLengthMs } from './windows.js';

export interface RedisCounterStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string;
  /** Every key starts with it, so several gateways (or tests) can share one Redis. */
  keyPrefix?: string;
  /** The longest a reserve may take before the call is refused as `unavailable`. */
  timeoutMs?: number;
  /** `redis` (production): windows follow Redis `TIME`, so replicas with skewed clocks agree.
   *  `clock`: windows follow `clock` (the contract tests drive time with a manual clock). */
  timeSource?: 'redis' | 'clock';
  /** Used only with `timeSource: 'clock'`. */
  clock?: Clock;
  /** Serve busy call counts from leases (default true; decision 019). */
  leases?: boolean;
  logger?: Logger;
}

export interface RedisCounterStore extends CounterStore {
  /** Resolves true once connected, false if not within `withinMs` (the store keeps retrying). */
  ready(withinMs?: number): Promise<boolean>;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'toolgate:';
export const DEFAULT_REDIS_TIMEOUT_MS = 500;
/** Keys live this long past the end of their window. With Redis time a window ends on the same
 *  clock its key expires by, so a little is enough; a test clock needs more. */
const TTL_SLACK_MS = { redis: 1_000, clock: 600_000 } as const;
const RESERVE = redisScript(RESERVE_SCRIPT);
const ROLLBACK = redisScript(ROLLBACK_SCRIPT);
const PEEK = redisScript(PEEK_SCRIPT);
const TAKE_OFF = redisScript(TAKE_OFF_SCRIPT);
/** Committed reservations' records are deleted together, this often: one command for many calls. */
const COMMIT_FLUSH_MS = 20;

export function createRedisCounterStore(options: RedisCounterStoreOptions): RedisCounterStore {
  const prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const timeSource = options.timeSource ?? 'redis';
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const slack = String(TTL_SLACK_MS[timeSource]);
  // The connection fails fast: a command fails at once while disconnected, after `timeoutMs` when
  // Redis is slow, is never replayed later, and reconnects quickly once Redis is back.
  const connection = createRedisConnection({ url: options.url, timeoutMs, label: 'redis counter store (calls that need a counter are denied until it is back)', logger });
  let closed = false;

  const now = (): string => (timeSource === 'clock' ? String(clock.now()) : '');
  const wallNow = timeSource === 'clock' ? () => clock.now() : () => Date.now();

  function rollbackById(id: string, withLeases: boolean): Promise<unknown> {
    return connection.run(ROLLBACK, [prefix, id, withLeases ? '1' : '0']);
  }

  // Leases run on a clock that only moves forward (the test clock when windows follow it).
  const book: LeaseBook<string> | undefined =
    options.leases === false
      ? undefined
      : createLeaseBook<string>({
          now: timeSource === 'clock' ? () => clock.now() : () => performance.now(),
          wallNow,
          giveBack: async (windowKey, units) => {
            await connection.run(TAKE_OFF, [windowKey, String(units)]).catch((error: unknown) => {
              logger.warn({ err: error, units }, 'could not give leased units back; they count until their window ends');
            });
          },
        });
  // Settled reservations (committed or rolled back): a second settle is a no-op.
  const settled = new WeakSet<Reservation>();
  // Reserves waiting for Redis: a close lets them finish, so a lease granted to one is given back.
  const inflight = new Set<Promise<unknown>>();

  // Committed, record not deleted yet: a rollback of one is a no-op here. Once the delete is sent,
  // a later rollback (on the same connection, so after it) finds no record. A record whose delete
  // fails expires with its window; the counts stand either way.
  const committed = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  async function flushCommits(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (committed.size === 0) return;
    const keys = [...committed].map((id) => `${prefix}rsv:${id}`);
    committed.clear();
    await connection.bounded(connection.redis.del(...keys)).catch((error: unknown) => {
      logger.warn({ err: error, records: keys.length }, 'could not delete committed reservation records; they expire with their windows');
    });
  }

  async function reserve(requests: readonly LimitRequest[]): Promise<ReserveResult> {
    if (closed) return { kind: 'unavailable', reason: 'the counter store is closed' };
    const invalid = requests.find((request) => typeof request.amount !== 'number' || !isValidAmount(request.amount));
    if (invalid) return { kind: 'unavailable', reason: `invalid amount ${String(invalid.amount)} for counter ${invalid.counter}` };
    const id = sequentialId('rsv');
    if (requests.length === 0) return { kind: 'reserved', reservation: { id, requests } };
    // Units from live leases first; the rest (and the first of each slot's next lease) from Redis.
    const { takes, rest: remote, asked } = splitByLeases(book, requests);
    const counted: Counted = { takes, remote: remote.length > 0 };
    const reservation: Reservation = { id, requests, counted };
    if (remote.length === 0) return { kind: 'reserved', reservation };

    const sentAt = { now: book?.now() ?? 0, wall: wallNow() };
    const args = [prefix, id, now(), slack, String(remote.length)];
    remote.forEach((request, i) => args.push(...requestArgs(request), asked[i] === undefined ? '0' : String(LEASE_UNITS)));
    let reply: unknown;
    const running = connection.run(RESERVE, args);
    inflight.add(running);
    try {
      reply = await running;
    } catch (error) {
      // The script may still run (Redis was only slow): undo it, lease included, queued behind it on
      // the same connection. If that fails too, it counts until its window ends (the safe error).
      rollbackById(id, true).catch(() => undefined);
      await book?.giveBack(takes);
      return { kind: 'unavailable', reason: describeRedisFailure(error, timeoutMs) };
    } finally {
      inflight.delete(running);
      book?.answeredAll(asked);
    }
    const result = parseReserveReply(reply, remote, reservation);
    if (result.kind !== 'reserved') await book?.giveBack(takes);
    else if (book) addLeases(book, reply as string[], { remote, asked }, sentAt);
    return result;
  }

  return {
    reserve,
    commit: async (reservation) => {
      if (settled.has(reservation)) return;
      settled.add(reservation);
      if (!countedOf(reservation).remote) return;
      // The counts stand; deleting the record is what makes a later rollback a no-op. Deleted in
      // batches: one command per COMMIT_FLUSH_MS, not one per call.
      committed.add(reservation.id);
      flushTimer ??= setTimeout(() => void flushCommits(), COMMIT_FLUSH_MS).unref();
    },
    rollback: async (reservation) => {
      if (settled.has(reservation) || committed.has(reservation.id)) return;
      settled.add(reservation);
      const { takes, remote } = countedOf(reservation);
      await Promise.all([book?.giveBack(takes), remote ? rollbackById(reservation.id, false) : undefined]);
    },
    peek: async ({ key, window }) => {
      const kind = window.kind === 'calendar' ? 'c' : 's';
      const ms = window.kind === 'calendar' ? CALENDAR_UNIT_MS[window.unit] : windowLengthMs(window);
      const total = Number(await connection.run(PEEK, [prefix, now(), key, kind, String(ms)]));
      // Units this replica holds in a lease are counted in Redis but are not calls (yet).
      return window.kind === 'calendar' && book ? book.callsIn(key, window.unit, total) : total;
    },
    ready: (withinMs = timeoutMs) => connection.ready(withinMs),
    close: async () => {
      closed = true;
      await Promise.allSettled([...inflight]);
      await book?.close();
      await flushCommits();
      await connection.close();
    },
  };
}

/** What a reservation counted where: units from leases, and whether Redis holds a record of the rest. */
interface Counted {
  takes: readonly LeaseTake[];
  remote: boolean;
}

function countedOf(reservation: Reservation): Counted {
  return (reservation.counted as Counted | undefined) ?? { takes: [], remote: reservation.requests.length > 0 };
}

/** The leases in a 'reserved' reply: [.., now, (index, units, window key, window end)*]. A lease is
 *  used until LEASE_TTL_MS after the request was sent, and never within LEASE_END_MARGIN_MS of its
 *  window's end on Redis's clock (measured from the send, so the round trip only shortens it), on
 *  the monotonic clock and on the wall clock (which keeps counting while the machine is suspended). */
function addLeases(
  book: LeaseBook<string>,
  reply: readonly string[],
  sent: { remote: readonly LimitRequest[]; asked: ReadonlyArray<string | undefined> },
  sentAt: { now: number; wall: number },
): void {
  const redisNow = Number(reply[1]);
  for (let i = 2; i + 3 < reply.length; i += 4) {
    const index = Number(reply[i]) - 1;
    const slot = sent.asked[index];
    if (slot === undefined) continue;
    const endsIn = Number(reply[i + 3]) - redisNow;
    book.add(slot, {
      window: reply[i + 2]!,
      units: Number(reply[i + 1]),
      max: sent.remote[index]!.max,
      until: leaseValidUntil(sentAt.now, endsIn),
      wallUntil: leaseValidUntil(sentAt.wall, endsIn),
    });
  }
}

function requestArgs({ key, window, max, amount }: LimitRequest): string[] {
  if (window.kind === 'calendar') return [key, 'c', String(CALENDAR_UNIT_MS[window.unit]), String(max), String(amount)];
  return [key, 's', String(windowLengthMs(window)), String(max), String(amount)];
}

function parseReserveReply(reply: unknown, requests: readonly LimitRequest[], reservation: Reservation): ReserveResult {
  if (!Array.isArray(reply)) return { kind: 'unavailable', reason: `unexpected reply from redis: ${JSON.stringify(reply)}` };
  const [outcome, index, current, retryAfterMs] = reply as string[];
  if (outcome === 'reserved') return { kind: 'reserved', reservation };
  const request = requests[Number(index) - 1];
  if (outcome === 'exceeded' && request) {
    return { kind: 'exceeded', request, current: Number(current), retryAfterMs: Number(retryAfterMs) };
  }
  if (outcome === 'invalid' && request) return { kind: 'unavailable', reason: `invalid amount ${request.amount} for counter ${request.counter}` };
  return { kind: 'unavailable', reason: `unexpected reply from redis: ${JSON.stringify(reply)}` };
}
