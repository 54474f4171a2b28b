// The SQLite sink: the shared contract, plus batching off the call path and never losing an event
// (across close, across a database that refuses writes for a while).
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openDatabaseFile, DATABASE_FILE, type SqliteDatabase } from '../lib/sqlite.js';
import { auditEvent, runAuditSinkContract } from './audit-sink.contract.js';
import { createSqliteAuditSink, type SqliteAuditSinkOptions } from './sqlite-audit-sink.js';

interface Fixture {
  db: SqliteDatabase;
  /** A second connection, as another process (the CLI) would have. */
  other: SqliteDatabase;
  rows(): number;
  done(): void;
}

function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-audit-'));
  const db = openDatabase(dir);
  let other: SqliteDatabase | undefined;
  const otherDb = (): SqliteDatabase => (other ??= openDatabaseFile(join(dir, DATABASE_FILE)));
  return {
    db,
    get other() {
      return otherDb();
    },
    rows: () => (otherDb().prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n,
    done: () => {
      other?.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sinkWith(f: Fixture, options: Omit<SqliteAuditSinkOptions, 'db'> = {}) {
  return createSqliteAuditSink({ db: f.db, ...options });
}

runAuditSinkContract('sqlite', () => {
  const f = fixture();
  return { sink: sinkWith(f), done: f.done };
});

describe('sqlite audit sink', () => {
  test('record() writes nothing itself; flush() writes the queue', async () => {
    const f = fixture();
    try {
      const sink = sinkWith(f, { flushIntervalMs: 60_000 });
      sink.record(auditEvent());
      sink.record(auditEvent());
      assert.equal(f.rows(), 0);
      await sink.flush();
      assert.equal(f.rows(), 2);
      await sink.close();
    } finally {
      f.done();
    }
  });

  test('the timer writes queued events after flushIntervalMs', async () => {
    const f = fixture();
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sink = sinkWith(f, { flushIntervalMs: 50 });
      sink.record(auditEvent());
      mock.timers.tick(49);
      assert.equal(f.rows(), 0);
      mock.timers.tick(1);
      assert.equal(f.rows(), 1);
      await sink.close();
    } finally {
      mock.timers.reset();
      f.done();
    }
  });

  test('a full batch is written on the next turn of the event loop, without waiting for the timer', async () => {
    const f = fixture();
    try {
      const sink = sinkWith(f, { flushIntervalMs: 60_000, maxBatch: 10 });
      for (let i = 0; i < 9; i++) sink.record(auditEvent({ time: i }));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(f.rows(), 0, 'a partial batch waits for the timer');
      sink.record(auditEvent({ time: 9 }));
      assert.equal(f.rows(), 0, 'the caller that fills the batch does not write it');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(f.rows(), 10);
      await sink.close();
    } finally {
      f.done();
    }
  });

  test('10,000 events recorded at once are all written, none on the caller path', async () => {
    const f = fixture();
    try {
      const sink = sinkWith(f);
      for (let i = 0; i < 10_000; i++) sink.record(auditEvent({ time: i, tool: `tool_${i}` }));
      assert.equal(f.rows(), 0);
      await sink.flush();
      assert.equal(f.rows(), 10_000);
      const newest = sink.query({ limit: 2 }).map((event) => event.tool);
      assert.deepEqual(newest, ['tool_9999', 'tool_9998']);
      await sink.close();
    } finally {
      f.done();
    }
  });

  test('no event is lost across close: queued ones are written, later ones are written at once', async () => {
    const f = fixture();
    try {
      const sink = sinkWith(f, { flushIntervalMs: 60_000 });
      for (let i = 0; i < 3; i++) sink.record(auditEvent({ time: i }));
      await sink.close();
      assert.equal(f.rows(), 3);
      sink.record(auditEvent({ time: 3 }));
      sink.record(auditEvent({ time: 4 }));
      assert.equal(f.rows(), 5);
    } finally {
      f.done();
    }
  });

  test('events wait in memory while another process holds the write lock, then are written', async () => {
    const f = fixture();
    try {
      f.db.pragma('busy_timeout = 0');
      const sink = sinkWith(f, { flushIntervalMs: 60_000 });
      f.other.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 5; i++) sink.record(auditEvent({ time: i }));
      await assert.rejects(sink.flush(), /locked|busy/i);
      f.other.exec('COMMIT');
      await sink.flush();
      assert.equal(f.rows(), 5);
      assert.deepEqual(sink.query({}).map((event) => event.time), [4, 3, 2, 1, 0]);
      await sink.close();
    } finally {
      f.done();
    }
  });

  test('stores argument keys and hash, with one row per event and no other payload column', async () => {
    const f = fixture();
    try {
      const sink = sinkWith(f);
      sink.record(auditEvent({ argKeys: ['amount', 'to'] }));
      await sink.close();
      const columns = (f.other.prepare('PRAGMA table_info(audit_events)').all() as { name: string }[]).map((c) => c.name);
      assert.deepEqual(columns.sort(), [
        'approval_id', 'arg_hash', 'arg_keys', 'decided_by', 'decision', 'grant_id', 'id', 'latency_ms', 'reason', 'rule', 'server', 'session_id', 'time', 'tool', 'upstream_status',
      ]);
      assert.equal((f.other.prepare('SELECT arg_keys FROM audit_events').get() as { arg_keys: string }).arg_keys, '["amount","to"]');
    } finally {
      f.done();
    }
  });
});

test('an audit table from before approvals gains approvalId and decidedBy in place, keeping its rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-audit-old-'));
  const db = openDatabase(dir);
  db.exec(`CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, server TEXT NOT NULL, grant_id TEXT NOT NULL, session_id TEXT,
    tool TEXT NOT NULL, decision TEXT NOT NULL, rule TEXT NOT NULL, reason TEXT, arg_keys TEXT NOT NULL, arg_hash TEXT NOT NULL,
    upstream_status TEXT NOT NULL, latency_ms REAL)`);
  db.exec(`INSERT INTO audit_events (time, server, grant_id, tool, decision, rule, arg_keys, arg_hash, upstream_status)
           VALUES (1, 's', 'g', 'old', 'allow', 'default', '[]', 'h', 'ok')`);
  const sink = createSqliteAuditSink({ db });
  sink.record(auditEvent({ time: 2, tool: 'new', decision: 'approval', approvalId: 'apr_1', decidedBy: 'alice' }));
  const events = sink.query({});
  assert.deepEqual(events.map((event) => [event.tool, event.approvalId, event.decidedBy]), [['new', 'apr_1', 'alice'], ['old', undefined, undefined]]);
  await sink.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
