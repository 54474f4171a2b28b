// Opens the embedded SQLite state of a data directory: counters, audit and grants in one file.
import { createSqliteAuditSink } from '../audit/sqlite-audit-sink.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { createSqliteGrantStore } from '../grants/sqlite-grant-store.js';
import type { GrantStore } from '../grants/grant-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';
import type { CounterStore } from '../state/counter-store.js';
import { createSqliteCounterStore } from '../state/sqlite-counter-store.js';

export interface EmbeddedStores {
  db: SqliteDatabase;
  counters: CounterStore;
  audit: AuditSink;
  grants: GrantStore;
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
    close: () => db.close(),
  };
}
