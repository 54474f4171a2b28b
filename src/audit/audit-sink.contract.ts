// The behaviour every AuditSink + AuditReader shares (memory, SQLite): what is recorded comes back,
// newest first, through the same filters. Each backend's test file runs this suite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashArguments } from '../lib/hash.js';
import type { AuditEvent, AuditReader, AuditSink } from './audit-sink.js';

export type AuditBackend = AuditSink & AuditReader;

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: T0,
    server: 'mlflow',
    grantId: 'grt_a',
    tool: 'get_model_versions',
    decision: 'allow',
    rule: 'tools.get_model_versions',
    argKeys: ['name'],
    argHash: hashArguments({ name: 'fraud' }),
    upstreamStatus: 'ok',
    ...overrides,
  };
}

export function runAuditSinkContract(name: string, open: () => { sink: AuditBackend; done: () => void }): void {
  describe(`${name}: audit sink contract`, () => {
    function withSink(body: (sink: AuditBackend) => Promise<void>): () => Promise<void> {
      return async () => {
        const { sink, done } = open();
        try {
          await body(sink);
        } finally {
          await sink.close();
          done();
        }
      };
    }

    test('an event comes back with every field it was recorded with', withSink(async (sink) => {
      const full = auditEvent({
        sessionId: 'sess-1',
        decision: 'deny',
        reason: 'stage transitions need approval',
        argKeys: ['name', 'stage'],
        upstreamStatus: 'not_sent',
        latencyMs: 2.5,
      });
      const bare = auditEvent({ time: T0 + 1 });
      sink.record(full);
      sink.record(bare);
      await sink.flush();
      assert.deepEqual(sink.query({}), [bare, full]);
    }));

    test('newest first, and the later of two events at the same time first', withSink(async (sink) => {
      sink.record(auditEvent({ time: T0 + 5, tool: 'b' }));
      sink.record(auditEvent({ time: T0, tool: 'a' }));
      sink.record(auditEvent({ time: T0 + 5, tool: 'c' }));
      await sink.flush();
      assert.deepEqual(sink.query({}).map((event) => event.tool), ['c', 'b', 'a']);
    }));

    test('filters by server, grant, tool, decision and time, alone and together', withSink(async (sink) => {
      sink.record(auditEvent({ time: T0, server: 'mlflow', grantId: 'grt_a', tool: 'x', decision: 'allow' }));
      sink.record(auditEvent({ time: T0 + 1000, server: 'github', grantId: 'grt_a', tool: 'x', decision: 'deny' }));
      sink.record(auditEvent({ time: T0 + 2000, server: 'mlflow', grantId: 'grt_b', tool: 'y', decision: 'rate_limited' }));
      sink.record(auditEvent({ time: T0 + 3000, server: 'mlflow', grantId: 'grt_a', tool: 'y', decision: 'approval' }));
      await sink.flush();
      const times = (filter: Parameters<AuditReader['query']>[0]): number[] => sink.query(filter).map((event) => event.time - T0);
      assert.deepEqual(times({ server: 'mlflow' }), [3000, 2000, 0]);
      assert.deepEqual(times({ grantId: 'grt_b' }), [2000]);
      assert.deepEqual(times({ tool: 'x' }), [1000, 0]);
      assert.deepEqual(times({ decision: 'deny' }), [1000]);
      assert.deepEqual(times({ sinceMs: T0 + 1000 }), [3000, 2000, 1000]);
      assert.deepEqual(times({ server: 'mlflow', grantId: 'grt_a', sinceMs: T0 + 1 }), [3000]);
      assert.deepEqual(times({ server: 'nowhere' }), []);
    }));

    test('returns at most 100 events unless a limit is given', withSink(async (sink) => {
      for (let i = 0; i < 150; i++) sink.record(auditEvent({ time: T0 + i }));
      await sink.flush();
      const firstPage = sink.query({});
      assert.equal(firstPage.length, 100);
      assert.equal(firstPage[0]?.time, T0 + 149);
      assert.equal(sink.query({ limit: 3 }).length, 3);
      assert.equal(sink.query({ limit: 1000 }).length, 150);
    }));

    test('an event recorded after close is kept', withSink(async (sink) => {
      sink.record(auditEvent({ tool: 'before' }));
      await sink.close();
      sink.record(auditEvent({ time: T0 + 1, tool: 'after' }));
      assert.deepEqual(sink.query({}).map((event) => event.tool), ['after', 'before']);
    }));
  });
}
