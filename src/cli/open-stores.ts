// Opens the embedded SQLite state of a data directory: counters, audit, grants, approvals and the
// tool catalog in one file.
import type { ApprovalStore } from '../approvals/approval-store.js';
import { createSqliteApprovalStore } from '../approvals/sqlite-approval-store.js';
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { createSqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import type { GrantStore } from '../grants/grant-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { CounterStore } from '../state/counter-store.js';
import { createRedisCounterStore } from '../state/redis-counter-store.js';
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

/** The counters the config asks for: Redis when `state:` is set (grants, approvals and audit stay in
 *  the data directory), else the embedded SQLite store. Waits briefly for Redis, but starts without
 *  it: calls that need a counter are denied until it answers. */
export async function openCounterStore(config: GatewayConfig, stores: EmbeddedStores, clock: Clock, logger: Logger): Promise<CounterStore> {
  if (!config.state) return stores.counters;
  const { url, keyPrefix, timeoutMs } = config.state;
  // Redis TIME, not `clock`: replicas whose clocks disagree still agree on every window.
  const counters = createRedisCounterStore({ url, keyPrefix, timeoutMs, timeSource: 'redis', clock, logger });
  if (!(await counters.ready(Math.max(2_000, timeoutMs)))) logger.error({ keyPrefix }, 'redis counter store is not reachable yet; calls that need a counter are denied until it is');
  return counters;
}
