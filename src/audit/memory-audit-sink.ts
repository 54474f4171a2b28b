// An audit sink that keeps events in an array: for tests, and for embedding toolgate without a
// database. Answers queries like the SQLite sink (newest first, same filters).
import type { AuditEvent, AuditFilter, AuditReader, AuditSink } from './audit-sink.js';

const DEFAULT_QUERY_LIMIT = 100;

export interface MemoryAuditSink extends AuditSink, AuditReader {
  /** Every event recorded so far, oldest first. */
  readonly events: readonly AuditEvent[];
}

export function createMemoryAuditSink(): MemoryAuditSink {
  const events: AuditEvent[] = [];
  return {
    events,
    record(event) {
      events.push(event);
    },
    async flush() {},
    async close() {},
    query(filter: AuditFilter) {
      const limit = filter.limit === undefined || !Number.isFinite(filter.limit) ? DEFAULT_QUERY_LIMIT : Math.max(1, Math.floor(filter.limit));
      // Walk newest-recorded first so equal times keep the SQLite order (later insert first).
      const matching: AuditEvent[] = [];
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i]!;
        if (matches(event, filter)) matching.push(event);
      }
      return matching.sort((a, b) => b.time - a.time).slice(0, limit);
    },
  };
}

function matches(event: AuditEvent, filter: AuditFilter): boolean {
  return (
    (filter.server === undefined || event.server === filter.server) &&
    (filter.grantId === undefined || event.grantId === filter.grantId) &&
    (filter.tool === undefined || event.tool === filter.tool) &&
    (filter.decision === undefined || event.decision === filter.decision) &&
    (filter.sinceMs === undefined || event.time >= filter.sinceMs)
  );
}
