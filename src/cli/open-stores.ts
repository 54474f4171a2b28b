// Opens the embedded SQLite state of a data directory (counters, audit, grants, approvals and the
// tool catalog in one file), and the Redis state replicas share when the config has `state:`.
import type { ApprovalStore, DecisionFeed } from '../approvals/approval-store.js';
import { createRedisApprovalStore, createRedisDecisionFeed } from '../approvals/redis-approval-store.js';
import { createSqliteApprovalStore } from '../approvals/sqlite-approval-store.js';
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { createSqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { createRedisGrantStore } from '../grants/redis-grant-store.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import type { GrantStore } from '../grants/grant-store.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';
import type { GatewayConfig, StateConfig } from '../config/gateway-config.js';
import type { CounterStore } from '../state/counter-store.js';
import { createRedisConnection, type RedisConnection } from '../state/redis-connection.js';
import { createRedisCounterStore } from '../state/redis-counter-store.js';
import { createRedisSubscriber, type RedisSubscriber } from '../state/redis-subscriber.js';
import { createSqliteCounterStore } from '../state/sqlite-counter-store.js';

export interface EmbeddedStores {
  db: SqliteDatabase;
  counters: CounterStore;
  audit: AuditSink;
  grants: GrantStore;
  approvals: ApprovalStore;
  catalog: CatalogStore;
  /** Closes the database; call after the gateway flushed its audit and released its counters. */
  close(): void;
}

export function openEmbeddedStores(dataDir: string, clock: Clock, logger: Logger): EmbeddedStores {
  const db = openDatabase(dataDir);
  return {
    db,
    counters: createSqliteCounterStore({ db, clock }),
    audit: createSqliteAuditSink({ db, logger }),
    grants: createSqliteGrantStore({ db, clock }),
    approvals: createSqliteApprovalStore({ db, clock }),
    catalog: createSqliteCatalogStore({ db }),
    close: () => db.close(),
  };
}

/** The counters the config asks for: Redis when `state:` is set, else the embedded SQLite store. Waits briefly for Redis, but starts without
 *  it: calls that need a counter are denied until it answers. */
export async function openCounterStore(config: GatewayConfig, stores: EmbeddedStores, clock: Clock, logger: Logger): Promise<CounterStore> {
  if (!config.state) return stores.counters;
  const { url, keyPrefix, timeoutMs, leases } = config.state;
  // Redis TIME, not `clock`: replicas whose clocks disagree still agree on every window.
  const counters = createRedisCounterStore({ url, keyPrefix, timeoutMs, leases, timeSource: 'redis', clock, logger });
  if (!(await counters.ready(Math.max(2_000, timeoutMs)))) logger.error({ keyPrefix }, 'redis counter store is not reachable yet; calls that need a counter are denied until it is');
  return counters;
}

/** Approvals and grants in Redis, shared by every replica (`state:`). */
export interface SharedStores {
  connection: RedisConnection;
  approvals: ApprovalStore;
  grants: GrantStore;
  /** Decisions made on any replica; only when opened with `subscribe` (a gateway, not the CLI). */
  decisions?: DecisionFeed;
  close(): Promise<void>;
}

/** A gateway subscribes (one connection for approvals and grants); a CLI command does not. Waits up
 *  to `waitMs` for Redis; a gateway starts without it (calls are refused until it answers). */
export async function openSharedStores(
  state: StateConfig,
  options: { clock: Clock; logger: Logger; subscribe: boolean; waitMs?: number },
): Promise<{ stores: SharedStores; ready: boolean }> {
  const { url, keyPrefix, timeoutMs } = state;
  const connection = createRedisConnection({ url, timeoutMs, label: 'redis shared state', logger: options.logger });
  const subscriber: RedisSubscriber | undefined = options.subscribe ? createRedisSubscriber({ url, name: 'toolgate-subscriber', logger: options.logger }) : undefined;
  const waitMs = options.waitMs ?? Math.max(2_000, timeoutMs);
  const ready = (await Promise.all([connection.ready(waitMs), subscriber?.ready(waitMs) ?? true])).every(Boolean);
  const stores: SharedStores = {
    connection,
    approvals: createRedisApprovalStore({ connection, keyPrefix, timeSource: 'redis' }),
    grants: createRedisGrantStore({ connection, keyPrefix, clock: options.clock, ...(subscriber ? { subscriber } : {}) }),
    ...(subscriber ? { decisions: createRedisDecisionFeed(subscriber, keyPrefix) } : {}),
    close: async () => {
      await subscriber?.close();
      await connection.close();
    },
  };
  return { stores, ready };
}

/** For CLI commands: the config's shared stores (`state:`), closed after `use`; an unreachable
 *  Redis is an error naming it. */
export async function withSharedStores<T>(state: StateConfig, use: (stores: SharedStores) => Promise<T>): Promise<T> {
  const { stores, ready } = await openSharedStores(state, { clock: systemClock, logger: silentLogger, subscribe: false });
  try {
    if (!ready) throw new Error(`the shared state (state: ${redactUrl(state.url)}) is not reachable; approvals and grants live there`);
    return await use(stores);
  } finally {
    await stores.close();
  }
}

/** A Redis URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
