// Opens the embedded SQLite database that holds counters, grants and audit in `dataDir`.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'toolgate.db';

/** Several processes (the gateway, the CLI) share one file: WAL lets readers and one writer coexist. */
export function openDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  return openDatabaseFile(join(dataDir, DATABASE_FILE));
}

export function openDatabaseFile(path: string): SqliteDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
