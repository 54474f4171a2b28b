// Runs the shared counter-store contract against the SQLite store, then what only a file gives:
// counts that survive a restart, and several connections (processes) sharing one budget.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createManualClock } from '../lib/clock.js';
import { openDatabase, type SqliteDatabase } from '../lib/sqlite.js';
import type { LimitRequest } from '../policy/types.js';
import type { CounterStore } from './counter-store.js';
import { runCounterStoreContract } from './counter-store.contract.js';
import { createSqliteCounterStore } from './sqlite-counter-store.js';

const opened = new Map<CounterStore, { db: SqliteDatabase; dir: string }>();

runCounterStoreContract(
  'sqlite',
  (clock) => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-'));
    const db = openDatabase(dir);
    const store = createSqliteCounterStore({ db, clock });
    opened.set(store, { db, dir });
    return store;
  },
  (store) => {
    const { db, dir } = opened.get(store)!;
    opened.delete(store);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  },
);

const NOON = Date.UTC(2026, 2, 29, 12, 0, 0);

function limit(key: string, max: number, window: LimitRequest['window'] = { kind: 'calendar', unit: 'day' }): LimitRequest {
  return { key, counter: key, window, max, amount: 1, rule: 'tools.send.limits[0]' };
}

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Reserves `calls` times from a worker thread with its own connection, as another process would;
 *  the threads wait on `barrier` so that they really reserve at the same time. */
function reserveFromWorker(dir: string, request: LimitRequest, calls: number, barrier: SharedArrayBuffer, threads: number): Promise<number> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { openDatabase } = await import(workerData.sqliteUrl);
      const { createSqliteCounterStore } = await import(workerData.storeUrl);
      const db = openDatabase(workerData.dir);
      const store = createSqliteCounterStore({ db, clock: { now: () => workerData.now } });
      // Start together: both threads hold a connection before either reserves.
      const ready = new Int32Array(workerData.barrier);
      Atomics.add(ready, 0, 1);
      while (Atomics.load(ready, 0) < workerData.threads) Atomics.wait(ready, 0, Atomics.load(ready, 0), 10);
      let reserved = 0;
      for (let i = 0; i < workerData.calls; i++) {
        const result = await store.reserve([workerData.request]);
        if (result.kind === 'unavailable') throw new Error(result.reason);
        if (result.kind === 'reserved') reserved++;
      }
      db.close();
      parentPort.postMessage(reserved);
    })();
  `;
  const workerData = {
    dir,
    request,
    calls,
    barrier,
    threads,
    now: NOON,
    sqliteUrl: new URL('../lib/sqlite.js', import.meta.url).href,
    storeUrl: new URL('./sqlite-counter-store.js', import.meta.url).href,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
}

describe('sqlite counter store on a file', () => {
  test('counts survive a restart, uncommitted reservations included', withDir(async (dir) => {
    const clock = createManualClock(NOON);
    const daily = limit('grant:g1/daily', 5);
    const sliding = limit('grant:g1/burst', 5, { kind: 'sliding', seconds: 60 });
    let db = openDatabase(dir);
    let store = createSqliteCounterStore({ db, clock });
    await store.commit(await reserved(store, [daily, sliding]));
    await reserved(store, [daily, sliding]); // the process dies before the server answers
    await store.rollback(await reserved(store, [daily, sliding]));
    await store.close();
    db.close();

    db = openDatabase(dir);
    store = createSqliteCounterStore({ db, clock });
    assert.equal(await store.peek(daily), 2);
    assert.equal(await store.peek(sliding), 2);
    for (let i = 0; i < 3; i++) await reserved(store, [daily]);
    assert.equal((await store.reserve([daily])).kind, 'exceeded');
    db.close();
  }));

  test('two connections on one file share one budget and each other\'s reservations', withDir(async (dir) => {
    const clock = createManualClock(NOON);
    const [dbA, dbB] = [openDatabase(dir), openDatabase(dir)];
    const a = createSqliteCounterStore({ db: dbA, clock });
    const b = createSqliteCounterStore({ db: dbB, clock });
    const request = limit('server:shared', 5, { kind: 'sliding', seconds: 30 });
    let admitted = 0;
    for (let i = 0; i < 20; i++) if ((await (i % 2 ? a : b).reserve([request])).kind === 'reserved') admitted++;
    assert.equal(admitted, 5);
    assert.equal(await a.peek(request), 5);
    assert.equal((await a.reserve([request])).kind, 'exceeded');
    assert.equal((await b.reserve([request])).kind, 'exceeded');
    dbA.close();
    dbB.close();
  }));

  test('two threads reserving at once on one file never pass max together', withDir(async (dir) => {
    openDatabase(dir).close(); // create the file once, before both race to
    // A max neither thread reaches alone, so both are still reserving when the budget runs out.
    const request = limit('server:race', 300);
    const barrier = new SharedArrayBuffer(4);
    const counts = await Promise.all([1, 2].map(() => reserveFromWorker(dir, request, 400, barrier, 2)));
    assert.equal(counts[0]! + counts[1]!, 300);
    const db = openDatabase(dir);
    assert.equal(await createSqliteCounterStore({ db, clock: createManualClock(NOON) }).peek(request), 300);
    db.close();
  }));

  test('a reservation rolled back through another connection gives its budget back', withDir(async (dir) => {
    const clock = createManualClock(NOON);
    const [dbA, dbB] = [openDatabase(dir), openDatabase(dir)];
    const a = createSqliteCounterStore({ db: dbA, clock });
    const b = createSqliteCounterStore({ db: dbB, clock });
    const request = limit('k', 1);
    const held = await reserved(a, [request]);
    await b.rollback(held);
    assert.equal(await a.peek(request), 0);
    dbA.close();
    dbB.close();
  }));

  test('a locked or closed database refuses the call instead of admitting it', withDir(async (dir) => {
    const db = openDatabase(dir);
    db.pragma('busy_timeout = 50');
    const store = createSqliteCounterStore({ db, clock: createManualClock(NOON) });
    const other = openDatabase(dir);
    other.exec('BEGIN IMMEDIATE');
    const locked = await store.reserve([limit('k', 5)]);
    assert.equal(locked.kind, 'unavailable');
    other.exec('ROLLBACK');
    other.close();
    await reserved(store, [limit('k', 5)]);
    db.close();
    assert.equal((await store.reserve([limit('k', 5)])).kind, 'unavailable');
  }));

  test('rows of ended windows are swept, so the file stays small', withDir(async (dir) => {
    const clock = createManualClock(NOON);
    const db = openDatabase(dir);
    const store = createSqliteCounterStore({ db, clock });
    const rows = () =>
      ['counter_calendar', 'counter_sliding', 'counter_sliding_totals'].map(
        (table) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number,
      );
    const burst = limit('burst', 100, { kind: 'sliding', seconds: 60 });
    for (let i = 0; i < 50; i++) await reserved(store, [limit('daily', 100), burst]);
    assert.deepEqual(rows(), [1, 50, 1]);
    clock.advance(86_400_000);
    await reserved(store, [burst]);
    assert.deepEqual(rows(), [0, 1, 1]);
    db.close();
  }));

  test('its tables are prefixed counter_ and closing the store leaves the shared handle open', withDir(async (dir) => {
    const db = openDatabase(dir);
    const store = createSqliteCounterStore({ db, clock: createManualClock(NOON) });
    await store.close();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").pluck().all() as string[];
    const ours = tables.filter((name) => !name.startsWith('sqlite_'));
    assert.ok(ours.length > 0);
    assert.deepEqual(ours.filter((name) => !name.startsWith('counter_')), []);
    db.close();
  }));
});

async function reserved(store: CounterStore, requests: readonly LimitRequest[]) {
  const result = await store.reserve(requests);
  assert.equal(result.kind, 'reserved', JSON.stringify(result));
  return (result as Extract<typeof result, { kind: 'reserved' }>).reservation;
}
