// The audit trail in the shared SQLite file. record() only queues; a timer or a full batch writes
// the queue in one transaction, so no call waits on the disk (docs/decisions/004).
import type { Logger } from '../lib/logger.js';
import { silentLogger } from '../lib/logger.js';
import type { SqliteDatabase } from '../lib/sqlite.js';
import type { AuditDecision, AuditEvent, AuditFilter, AuditReader, AuditSink, UpstreamStatus } from './audit-sink.js';

export interface SqliteAuditSinkOptions {
  db: SqliteDatabase;
  /** How long an event may wait in memory before it is written (default 50 ms). */
  flushIntervalMs?: number;
  /** A queue this long is written on the next turn of the event loop (default 500). */
  maxBatch?: number;
  /** While the disk refuses writes, at most this many events wait; older ones are logged and dropped (default 100,000). */
  maxQueued?: number;
  logger?: Logger;
}

export type SqliteAuditSink = AuditSink & AuditReader;

export const DEFAULT_AUDIT_QUERY_LIMIT = 100;
const RETRY_MS = 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  time             INTEGER NOT NULL,
  server           TEXT NOT NULL,
  grant_id         TEXT NOT NULL,
  session_id       TEXT,
  tool             TEXT NOT NULL,
  decision         TEXT NOT NULL,
  rule             TEXT NOT NULL,
  reason           TEXT,
  arg_keys         TEXT NOT NULL,
  arg_hash         TEXT NOT NULL,
  upstream_status  TEXT NOT NULL,
  latency_ms       REAL,
  approval_id      TEXT,
  decided_by       TEXT
);
CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (time);
`;

/** Columns added after the first release: added in place to an older file. */
const ADDED_COLUMNS = [
  ['approval_id', 'TEXT'],
  ['decided_by', 'TEXT'],
] as const;

interface AuditRow {
  time: number;
  server: string;
  grant_id: string;
  session_id: string | null;
  tool: string;
  decision: string;
  rule: string;
  reason: string | null;
  arg_keys: string;
  arg_hash: string;
  upstream_status: string;
  latency_ms: number | null;
  approval_id: string | null;
  decided_by: string | null;
}

const FILTER_COLUMNS = [
  ['server', 'server = @server'],
  ['grantId', 'grant_id = @grantId'],
  ['tool', 'tool = @tool'],
  ['decision', 'decision = @decision'],
  ['sinceMs', 'time >= @sinceMs'],
] as const;

export function createSqliteAuditSink(options: SqliteAuditSinkOptions): SqliteAuditSink {
  const { db } = options;
  const flushIntervalMs = options.flushIntervalMs ?? 50;
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const maxQueued = Math.max(maxBatch, options.maxQueued ?? 100_000);
  const logger = options.logger ?? silentLogger;
  db.exec(SCHEMA);
  addMissingColumns(db);

  const insert = db.prepare(
    `INSERT INTO audit_events (time, server, grant_id, session_id, tool, decision, rule, reason, arg_keys, arg_hash, upstream_status, latency_ms, approval_id, decided_by)
     VALUES (@time, @server, @grantId, @sessionId, @tool, @decision, @rule, @reason, @argKeys, @argHash, @upstreamStatus, @latencyMs, @approvalId, @decidedBy)`,
  );
  const insertAll = db.transaction((events: readonly AuditEvent[]) => {
    for (const event of events) insert.run(toRow(event));
  });
  // One statement per combination of filters (at most 32), each prepared once, so every query
  // can use the time index instead of "(? IS NULL OR …)" predicates.
  const queries = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  let queue: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let closed = false;
  let failing = false;

  function writeQueued(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      insertAll(batch);
      failing = false;
    } catch (error) {
      failing = true;
      // Keep the batch for the next attempt rather than lose it; the caller decides whether to retry.
      queue = batch.concat(queue);
      dropOverflow();
      throw error;
    }
  }

  function dropOverflow(): void {
    if (queue.length <= maxQueued) return;
    const dropped = queue.splice(0, queue.length - maxQueued);
    logger.error({ dropped: dropped.length, events: dropped }, 'audit queue full while the database refuses writes: oldest events dropped');
  }

  function flushInBackground(): void {
    try {
      writeQueued();
    } catch (error) {
      logger.error({ err: error, queued: queue.length }, 'audit events could not be written; will retry');
      if (!closed) schedule();
    }
  }

  function schedule(): void {
    // While the database refuses writes, retry on the timer only: a full queue must not spin.
    if (queue.length >= maxBatch && !failing) {
      immediate ??= setImmediate(flushInBackground);
    } else if (!timer && !immediate) {
      timer = setTimeout(flushInBackground, failing ? Math.max(flushIntervalMs, RETRY_MS) : flushIntervalMs);
      timer.unref();
    }
  }

  return {
    record(event) {
      if (closed) {
        // Shutdown already flushed: a late event is written at once rather than left in memory.
        try {
          insert.run(toRow(event));
        } catch (error) {
          logger.error({ err: error, event }, 'audit event recorded after close could not be written');
        }
        return;
      }
      queue.push(event);
      if (failing) dropOverflow();
      schedule();
    },

    async flush() {
      writeQueued();
    },

    async close() {
      closed = true;
      try {
        writeQueued();
      } catch (error) {
        // Last resort: the events (keys and hashes only, never values) go to the process log.
        logger.error({ err: error, events: queue }, 'audit events could not be written at close');
        queue = [];
        throw error;
      }
    },

    query(filter: AuditFilter) {
      try {
        writeQueued();
      } catch (error) {
        logger.error({ err: error }, 'audit events could not be written before a query');
        schedule();
      }
      const present = FILTER_COLUMNS.filter(([key]) => filter[key] !== undefined);
      const shape = present.map(([key]) => key).join(',');
      let statement = queries.get(shape);
      if (!statement) {
        const where = present.length > 0 ? `WHERE ${present.map(([, clause]) => clause).join(' AND ')}` : '';
        statement = db.prepare(
          `SELECT time, server, grant_id, session_id, tool, decision, rule, reason, arg_keys, arg_hash, upstream_status, latency_ms, approval_id, decided_by
           FROM audit_events ${where} ORDER BY time DESC, id DESC LIMIT @limit`,
        );
        queries.set(shape, statement);
      }
      const params: Record<string, unknown> = { limit: queryLimit(filter.limit) };
      for (const [key] of present) params[key] = filter[key];
      return (statement.all(params) as AuditRow[]).map(fromRow);
    },
  };
}

function addMissingColumns(db: SqliteDatabase): void {
  const present = new Set((db.prepare('PRAGMA table_info(audit_events)').all() as Array<{ name: string }>).map((column) => column.name));
  for (const [name, type] of ADDED_COLUMNS) {
    if (!present.has(name)) db.exec(`ALTER TABLE audit_events ADD COLUMN ${name} ${type}`);
  }
}

function queryLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_AUDIT_QUERY_LIMIT;
  return Math.max(1, Math.floor(limit));
}

function toRow(event: AuditEvent): Record<string, unknown> {
  return {
    time: event.time,
    server: event.server,
    grantId: event.grantId,
    sessionId: event.sessionId ?? null,
    tool: event.tool,
    decision: event.decision,
    rule: event.rule,
    reason: event.reason ?? null,
    argKeys: JSON.stringify(event.argKeys),
    argHash: event.argHash,
    upstreamStatus: event.upstreamStatus,
    latencyMs: event.latencyMs ?? null,
    approvalId: event.approvalId ?? null,
    decidedBy: event.decidedBy ?? null,
  };
}

function fromRow(row: AuditRow): AuditEvent {
  const argKeys: unknown = JSON.parse(row.arg_keys);
  return {
    time: row.time,
    server: row.server,
    grantId: row.grant_id,
    ...(row.session_id === null ? {} : { sessionId: row.session_id }),
    tool: row.tool,
    decision: row.decision as AuditDecision,
    rule: row.rule,
    ...(row.reason === null ? {} : { reason: row.reason }),
    argKeys: Array.isArray(argKeys) ? argKeys.filter((key): key is string => typeof key === 'string') : [],
    argHash: row.arg_hash,
    upstreamStatus: row.upstream_status as UpstreamStatus,
    ...(row.latency_ms === null ? {} : { latencyMs: row.latency_ms }),
    ...(row.approval_id === null ? {} : { approvalId: row.approval_id }),
    ...(row.decided_by === null ? {} : { decidedBy: row.decided_by }),
  };
}
