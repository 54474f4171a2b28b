// The catalog in the shared SQLite file (tables `catalog_servers`, `catalog_tools`). The gateway
// records listings; `toolgate catalog accept` writes from another process, and the gateway reads
// the row afresh when it needs to know (see catalog-service.ts).
import type { SqliteDatabase } from '../lib/sqlite.js';
import { statusOf, type CatalogEntry, type CatalogStore } from './catalog-store.js';
import { acceptedEntry, reconcileListing } from './reconcile-listing.js';
import type { RiskLevel, ToolCategory, ToolDefinition } from './tool-types.js';

export interface SqliteCatalogStoreOptions {
  db: SqliteDatabase;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_servers (
  server          TEXT PRIMARY KEY,
  first_listed_at INTEGER NOT NULL,
  last_listed_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_tools (
  server             TEXT NOT NULL,
  name               TEXT NOT NULL,
  definition         TEXT NOT NULL,
  category           TEXT NOT NULL,
  risk               TEXT NOT NULL,
  confidence         REAL NOT NULL,
  reasons            TEXT NOT NULL,
  flags              TEXT NOT NULL,
  fingerprint        TEXT NOT NULL,
  pinned_fingerprint TEXT NOT NULL,
  is_new             INTEGER NOT NULL,
  first_seen         INTEGER NOT NULL,
  last_seen          INTEGER NOT NULL,
  changed_at         INTEGER,
  accepted_at        INTEGER,
  PRIMARY KEY (server, name)
);
`;

interface ToolRow {
  server: string;
  name: string;
  definition: string;
  category: string;
  risk: string;
  confidence: number;
  reasons: string;
  flags: string;
  fingerprint: string;
  pinned_fingerprint: string;
  is_new: number;
  first_seen: number;
  last_seen: number;
  changed_at: number | null;
  accepted_at: number | null;
}

export function createSqliteCatalogStore(options: SqliteCatalogStoreOptions): CatalogStore {
  const { db } = options;
  db.exec(SCHEMA);
  const selectServer = db.prepare<[string], { server: string }>('SELECT server FROM catalog_servers WHERE server = ?');
  const upsertServer = db.prepare<[string, number, number]>(
    'INSERT INTO catalog_servers (server, first_listed_at, last_listed_at) VALUES (?, ?, ?) ON CONFLICT (server) DO UPDATE SET last_listed_at = excluded.last_listed_at',
  );
  const selectTools = db.prepare<[string], ToolRow>('SELECT * FROM catalog_tools WHERE server = ? ORDER BY name');
  const selectAll = db.prepare<[], ToolRow>('SELECT * FROM catalog_tools ORDER BY server, name');
  const selectTool = db.prepare<[string, string], ToolRow>('SELECT * FROM catalog_tools WHERE server = ? AND name = ?');
  const upsertTool = db.prepare(`
    INSERT INTO catalog_tools (server, name, definition, category, risk, confidence, reasons, flags, fingerprint,
      pinned_fingerprint, is_new, first_seen, last_seen, changed_at, accepted_at)
    VALUES (@server, @name, @definition, @category, @risk, @confidence, @reasons, @flags, @fingerprint,
      @pinned_fingerprint, @is_new, @first_seen, @last_seen, @changed_at, @accepted_at)
    ON CONFLICT (server, name) DO UPDATE SET definition = excluded.definition, category = excluded.category,
      risk = excluded.risk, confidence = excluded.confidence, reasons = excluded.reasons, flags = excluded.flags,
      fingerprint = excluded.fingerprint, pinned_fingerprint = excluded.pinned_fingerprint, is_new = excluded.is_new,
      first_seen = excluded.first_seen, last_seen = excluded.last_seen, changed_at = excluded.changed_at,
      accepted_at = excluded.accepted_at`);

  // Read-modify-write in one IMMEDIATE transaction: an accept from the CLI lands before or after a
  // listing, never in the middle of one.
  const recordTx = db.transaction((server: string, observed: Parameters<CatalogStore['record']>[1], now: number) => {
    const listedBefore = selectServer.get(server) !== undefined;
    const existing = new Map(selectTools.all(server).map((row) => [row.name, fromRow(row)]));
    const { entries, changes } = reconcileListing(server, existing, observed, listedBefore, now);
    for (const entry of entries) upsertTool.run(toRow(entry));
    upsertServer.run(server, now, now);
    return changes;
  });
  const acceptTx = db.transaction((server: string, name: string, now: number) => {
    const row = selectTool.get(server, name);
    if (!row) return undefined;
    const accepted = acceptedEntry(fromRow(row), now);
    upsertTool.run(toRow(accepted));
    return accepted;
  });

  return {
    record: (server, observed, now) => recordTx.immediate(server, observed, now),
    list: (server) => (server === undefined ? selectAll.all() : selectTools.all(server)).map(fromRow),
    get: (server, name) => {
      const row = selectTool.get(server, name);
      return row ? fromRow(row) : undefined;
    },
    accept: (server, name, now) => acceptTx.immediate(server, name, now),
  };
}

function toRow(entry: CatalogEntry): ToolRow {
  return {
    server: entry.server,
    name: entry.name,
    definition: JSON.stringify(entry.definition),
    category: entry.category,
    risk: entry.risk,
    confidence: entry.confidence,
    reasons: JSON.stringify(entry.reasons),
    flags: JSON.stringify(entry.flags),
    fingerprint: entry.fingerprint,
    pinned_fingerprint: entry.pinnedFingerprint,
    is_new: entry.isNew ? 1 : 0,
    first_seen: entry.firstSeen,
    last_seen: entry.lastSeen,
    changed_at: entry.changedAt ?? null,
    accepted_at: entry.acceptedAt ?? null,
  };
}

function fromRow(row: ToolRow): CatalogEntry {
  const entry: CatalogEntry = {
    server: row.server,
    name: row.name,
    definition: JSON.parse(row.definition) as ToolDefinition,
    category: row.category as ToolCategory,
    risk: row.risk as RiskLevel,
    confidence: row.confidence,
    reasons: stringList(row.reasons),
    flags: stringList(row.flags),
    fingerprint: row.fingerprint,
    pinnedFingerprint: row.pinned_fingerprint,
    isNew: row.is_new === 1,
    status: 'pinned',
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    ...(row.changed_at === null ? {} : { changedAt: row.changed_at }),
    ...(row.accepted_at === null ? {} : { acceptedAt: row.accepted_at }),
  };
  entry.status = statusOf(entry);
  return entry;
}

function stringList(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
