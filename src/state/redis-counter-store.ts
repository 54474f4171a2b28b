// The shared counter store: counters in Redis, so several gateway replicas hold one limit exactly.
// One script call per reserve (all counters or none), on Redis's clock; fails closed within `timeoutMs`.
import { systemClock, type Clock } from '../lib/clock.js';
import { sequentialId } from '../lib/ids.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import type { LimitRequest } from '../policy/types.js';
import type { CounterStore, Reservation, ReserveResult } from './counter-store.js';
import { createRedisConnection, describeRedisFailure, redisScript } from './redis-connection.js';
import { PEEK_SCRIPT, RESERVE_SCRIPT, ROLLBACK_SCRIPT } from './redis-scripts.js';
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

  function rollbackById(id: string): Promise<unknown> {
    return connection.run(ROLLBACK, [prefix, id]);
  }

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
    const reservation: Reservation = { id: sequentialId('rsv'), requests };
    if (requests.length === 0) return { kind: 'reserved', reservation };
    const args = [prefix, reservation.id, now(), slack, String(requests.length)];
    for (const request of requests) args.push(...requestArgs(request));
    let reply: unknown;
    try {
      reply = await connection.run(RESERVE, args);
    } catch (error) {
      // The script may still run (Redis was only slow): undo it, queued behind it on the same
      // connection. If that fails too, the reservation counts until its window ends (the safe error).
      rollbackById(reservation.id).catch(() => undefined);
      return { kind: 'unavailable', reason: describeRedisFailure(error, timeoutMs) };
    }
    return parseReserveReply(reply, requests, reservation);
  }

  return {
    reserve,
    commit: async (reservation) => {
      if (reservation.requests.length === 0) return;
      // The counts stand; deleting the record is what makes a later rollback a no-op. Deleted in
      // batches: one command per COMMIT_FLUSH_MS, not one per call.
      committed.add(reservation.id);
      flushTimer ??= setTimeout(() => void flushCommits(), COMMIT_FLUSH_MS).unref();
    },
    rollback: async (reservation) => {
      if (reservation.requests.length === 0 || committed.has(reservation.id)) return;
      await rollbackById(reservation.id);
    },
    peek: async ({ key, window }) => {
      const kind = window.kind === 'calendar' ? 'c' : 's';
      const ms = window.kind === 'calendar' ? CALENDAR_UNIT_MS[window.unit] : windowLengthMs(window);
      return Number(await connection.run(PEEK, [prefix, now(), key, kind, String(ms)]));
    },
    ready: (withinMs = timeoutMs) => connection.ready(withinMs),
    close: async () => {
      closed = true;
      await flushCommits();
      await connection.close();
    },
  };
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
