// Grants in the shared SQLite file. Tokens are kept only as SHA-256 hashes, and every
// authenticate() reads the table afresh so a revoke from another process takes effect at once;
// `cacheSupport` lets a cache (cached-grant-store.ts) tell when that read can be skipped.
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { sha256Hex } from '../lib/hash.js';
import { randomId } from '../lib/ids.js';
import type { SqliteDatabase } from '../lib/sqlite.js';
import { checkGrantName, checkGrantServers, couldBeToken, nameTakenError, newGrantToken } from './grant-fields.js';
import type { CreatedGrant, Grant, GrantCacheSupport, GrantStore } from './grant-store.js';

export interface SqliteGrantStoreOptions {
  db: SqliteDatabase;
  clock?: Clock;
}

// The partial unique index makes "one live grant per name" hold even when two CLI processes
// create the same name at once; a revoked grant's name may be reused.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS grants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  servers     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS grants_live_name ON grants (name) WHERE revoked_at IS NULL;
`;

interface GrantRow {
  id: string;
  name: string;
  servers: string;
  created_at: number;
  revoked_at: number | null;
}

const COLUMNS = 'id, name, servers, created_at, revoked_at';

/** Synchronous, as SQLite is: in-process callers (tests, the demo) need not await. */
export interface SqliteGrantStore extends GrantStore {
  create(input: { name: string; servers: readonly string[] }): CreatedGrant;
  list(): Grant[];
  revoke(idOrName: string): Grant | undefined;
  authenticate(token: string): Grant | undefined;
  isLive(id: string): boolean;
  readonly cacheSupport: GrantCacheSupport & { authenticateHash(tokenHash: string): Grant | undefined; version(): number };
}

/** Revokes committed through each connection, by any store on it: `PRAGMA data_version` shows only
 *  other connections' commits. */
const revokesThrough = new WeakMap<SqliteDatabase, number>();

export function createSqliteGrantStore(options: SqliteGrantStoreOptions): SqliteGrantStore {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  db.exec(SCHEMA);

  const insert = db.prepare(
    'INSERT INTO grants (id, name, token_hash, servers, created_at) VALUES (@id, @name, @tokenHash, @servers, @createdAt)',
  );
  const selectAll = db.prepare<[], GrantRow>(`SELECT ${COLUMNS} FROM grants ORDER BY created_at, rowid`);
  const selectById = db.prepare<[string], GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE id = ?`);
  // A name may belong to one live grant and any number of revoked ones: prefer the live one,
  // else the latest created (rowid breaks ties within a millisecond), so revoking the same name twice reports the grant already revoked.
  const selectByName = db.prepare<[string], GrantRow>(
    `SELECT ${COLUMNS} FROM grants WHERE name = ? ORDER BY revoked_at IS NULL DESC, created_at DESC, rowid DESC LIMIT 1`,
  );
  const selectLiveByHash = db.prepare<[string], GrantRow>(
    `SELECT ${COLUMNS} FROM grants WHERE token_hash = ? AND revoked_at IS NULL`,
  );
  const markRevoked = db.prepare<[number, string]>('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  // Changes when another connection (the CLI, another gateway on the file) commits anything; reading
  // it costs about 2 µs (a read transaction's begin and end), less than half of a lookup.
  const readDataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let lastDataVersion: number | undefined;
  let dataVersionChanges = 0;

  const revokeTx = db.transaction((idOrName: string): Grant | undefined => {
    const row = selectById.get(idOrName) ?? selectByName.get(idOrName);
    if (!row) return undefined;
    if (row.revoked_at === null) {
      markRevoked.run(clock.now(), row.id);
      revokesThrough.set(db, (revokesThrough.get(db) ?? 0) + 1);
    }
    const current = selectById.get(row.id);
    return current ? toGrant(current) : undefined;
  });

  return {
    create(input) {
      const name = checkGrantName(input.name);
      const servers = checkGrantServers(input.servers);
      const token = newGrantToken();
      const grant: Grant = { id: randomId('grt'), name, servers, createdAt: clock.now() };
      try {
        insert.run({ id: grant.id, name, tokenHash: sha256Hex(token), servers: JSON.stringify(servers), createdAt: grant.createdAt });
      } catch (error) {
        if (isNameTaken(error)) {
          throw nameTakenError(name);
        }
        throw error;
      }
      const created: CreatedGrant = { grant, token };
      return created;
    },

    list() {
      return selectAll.all().map(toGrant);
    },

    revoke(idOrName) {
      return revokeTx.immediate(idOrName);
    },

    authenticate(token) {
      if (!couldBeToken(token)) return undefined;
      return authenticateHash(sha256Hex(token));
    },

    isLive(id) {
      const row = selectById.get(id);
      return row !== undefined && row.revoked_at === null;
    },

    cacheSupport: {
      authenticateHash,
      // Two counters that only grow: their sum moves whenever either does.
      version() {
        const dataVersion = readDataVersion.get()!;
        if (dataVersion !== lastDataVersion) {
          lastDataVersion = dataVersion;
          dataVersionChanges++;
        }
        return dataVersionChanges + (revokesThrough.get(db) ?? 0);
      },
      // Grants do not expire: only a revoke ends one, and every revoke moves `version`.
      maxAgeMs: Infinity,
    },
  };

  function authenticateHash(tokenHash: string): Grant | undefined {
    const row = selectLiveByHash.get(tokenHash);
    return row ? toGrant(row) : undefined;
  }
}

function toGrant(row: GrantRow): Grant {
  const servers: unknown = JSON.parse(row.servers);
  return {
    id: row.id,
    name: row.name,
    servers: Array.isArray(servers) ? servers.filter((s): s is string => typeof s === 'string') : [],
    createdAt: row.created_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

function isNameTaken(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('grants.name');
}
