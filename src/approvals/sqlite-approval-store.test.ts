// The SQLite approval store: the shared contract, and what only a file gives: everything survives
// reopening it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../lib/clock.js';
import { openDatabase, openDatabaseFile, type SqliteDatabase } from '../lib/sqlite.js';
import type { ApprovalStore } from './approval-store.js';
import { ASK, runApprovalStoreContract } from './approval-store.contract.js';
import { createSqliteApprovalStore } from './sqlite-approval-store.js';

const databases = new Map<ApprovalStore, SqliteDatabase>();
runApprovalStoreContract(
  'sqlite',
  (clock) => {
    const db = openDatabaseFile(':memory:');
    const store = createSqliteApprovalStore({ db, clock });
    databases.set(store, db);
    return store;
  },
  (store) => {
    databases.get(store)?.close();
    databases.delete(store);
  },
);

test('approvals survive reopening the database (a gateway restart)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'approval-store-'));
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const db = openDatabase(dir);
  const { id } = await createSqliteApprovalStore({ db, clock }).create(ASK);
  db.close();
  const again = openDatabase(dir);
  const reopened = createSqliteApprovalStore({ db: again, clock });
  assert.equal((await reopened.get(id))?.status, 'pending');
  assert.equal((await reopened.decide(id, 'approved', 'alice')).kind, 'decided');
  again.close();
  rmSync(dir, { recursive: true, force: true });
});
