// The in-memory sink answers like the SQLite one, and exposes what it recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditEvent, runAuditSinkContract } from './audit-sink.contract.js';
import { createMemoryAuditSink } from './memory-audit-sink.js';

runAuditSinkContract('memory', () => ({ sink: createMemoryAuditSink(), done: () => {} }));

test('memory sink: events lists what was recorded, oldest first', () => {
  const sink = createMemoryAuditSink();
  sink.record(auditEvent({ tool: 'first' }));
  sink.record(auditEvent({ tool: 'second' }));
  assert.deepEqual(sink.events.map((event) => event.tool), ['first', 'second']);
});
