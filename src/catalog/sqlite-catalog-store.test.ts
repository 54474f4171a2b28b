// The SQLite catalog store: the shared contract, and what only a shared file can show — another
// process's accept is seen by the next read, and the catalog survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../lib/sqlite.js';
import { observed, runCatalogStoreContract } from './catalog-store.contract.js';
import { createSqliteCatalogStore } from './sqlite-catalog-store.js';

runCatalogStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-catalog-'));
  const db = openDatabase(dir);
  return {
    store: createSqliteCatalogStore({ db }),
    done: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('sqlite catalog: an accept through a second connection is read by the first, and rows survive reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-catalog-'));
  try {
    const gatewayDb = openDatabase(dir);
    const gateway = createSqliteCatalogStore({ db: gatewayDb });
    gateway.record('db', [observed('read_rows', 'Read rows.')], 1);
    gateway.record('db', [observed('read_rows', 'Read rows; changed.')], 2);
    assert.equal(gateway.get('db', 'read_rows')?.status, 'changed');
    const cliDb = openDatabase(dir);
    assert.equal(createSqliteCatalogStore({ db: cliDb }).accept('db', 'read_rows', 3)?.status, 'accepted');
    cliDb.close();
    assert.equal(gateway.get('db', 'read_rows')?.status, 'accepted');
    gatewayDb.close();
    const reopened = openDatabase(dir);
    const entry = createSqliteCatalogStore({ db: reopened }).get('db', 'read_rows');
    assert.equal(entry?.status, 'accepted');
    assert.equal(entry?.definition.description, 'Read rows; changed.');
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
