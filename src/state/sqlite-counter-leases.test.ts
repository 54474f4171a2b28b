// Leases in the SQLite counter store (decision 019): the shared lease contract, with the stores on
// separate connections to one file (as the gateway and a `wrap` process share it), totals read
// straight from the file; then `leases: false`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempDir } from '../../test/helpers/temp-dir.js';
import { openDatabase } from '../lib/sqlite.js';
import { runLeaseContract } from './counter-leases.contract.js';
import { HOUR, limit, mustReserve } from './counter-store.contract.js';
import { createSqliteCounterStore } from './sqlite-counter-store.js';

function openFile(connections: number) {
  const dir = makeTempDir('toolgate-leases');
  const dbs = Array.from({ length: connections + 1 }, () => openDatabase(dir.path));
  const reader = dbs[connections]!;
  return {
    dbs: dbs.slice(0, connections),
    /** Every calendar window's total, oldest window first. */
    totals: async (): Promise<number[]> =>
      reader.prepare<[], number>('SELECT total FROM counter_calendar ORDER BY key, unit, window_index').pluck().all(),
    cleanup: async (): Promise<void> => {
      for (const db of dbs) db.close();
      dir.cleanup();
    },
  };
}

runLeaseContract('sqlite', async (count, clock) => {
  const file = openFile(count);
  const stores = file.dbs.map((db) => createSqliteCounterStore({ db, ...(clock ? { clock } : {}) }));
  return { stores, totals: file.totals, cleanup: file.cleanup };
});

test('sqlite counter leases: with leases: false every call is written to the file', async () => {
  const file = openFile(1);
  const store = createSqliteCounterStore({ db: file.dbs[0]!, leases: false });
  try {
    for (let i = 0; i < 3; i++) await mustReserve(store, [limit('off', HOUR, 1_000_000)]);
    assert.deepEqual(await file.totals(), [3]);
  } finally {
    await store.close();
    await file.cleanup();
  }
});
