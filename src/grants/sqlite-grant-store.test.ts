// Grants in SQLite: the shared contract, run on a data directory opened twice (the gateway and a
// CLI process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, openDatabase, openDatabaseFile } from '../lib/sqlite.js';
import { runGrantStoreContract } from './grant-store.contract.js';
import { createSqliteGrantStore } from './sqlite-grant-store.js';

runGrantStoreContract('sqlite', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-grants-'));
  const db = openDatabase(dir);
  const cliDb = openDatabaseFile(join(dir, DATABASE_FILE));
  return {
    store: createSqliteGrantStore({ db, clock }),
    other: createSqliteGrantStore({ db: cliDb, clock }),
    storedValues: async () => (db.prepare('SELECT * FROM grants').all() as Record<string, unknown>[]).flatMap((row) => Object.values(row).map(String)),
    close: () => {
      cliDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
