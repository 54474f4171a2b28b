// The grant cache in front of SQLite, on real files: the shared contract still holds, a revoke from
// another connection (the CLI) or through this process is refused at the very next authenticate,
// and the cache stays bounded and free of unknown tokens.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../lib/hash.js';
import { DATABASE_FILE, openDatabase, openDatabaseFile, type SqliteDatabase } from '../lib/sqlite.js';
import { createCachedGrantStore, type CachedGrantStore } from './cached-grant-store.js';
import { runGrantStoreContract } from './grant-store.contract.js';
import type { Awaitable, Grant } from './grant-store.js';
import { createSqliteGrantStore, type SqliteGrantStore } from './sqlite-grant-store.js';

runGrantStoreContract('sqlite behind the grant cache', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-grant-cache-'));
  const db = openDatabase(dir);
  const cliDb = openDatabaseFile(join(dir, DATABASE_FILE));
  const store = createCachedGrantStore({ store: createSqliteGrantStore({ db, clock }), clock });
  return {
    store,
    other: createSqliteGrantStore({ db: cliDb, clock }),
    storedValues: async () => (db.prepare('SELECT * FROM grants').all() as Record<string, unknown>[]).flatMap((row) => Object.values(row).map(String)),
    close: () => {
      store.close();
      cliDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

interface Setup {
  db: SqliteDatabase;
  raw: SqliteGrantStore;
  cached: CachedGrantStore;
  /** A second connection to the same file: another process, such as `toolgate grants revoke`. */
  cli: SqliteGrantStore;
}

function withGateway(body: (setup: Setup) => void, maxEntries?: number) {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-grant-cache-'));
    const db = openDatabase(dir);
    const cliDb = openDatabaseFile(join(dir, DATABASE_FILE));
    const raw = createSqliteGrantStore({ db });
    const cached = createCachedGrantStore({ store: raw, ...(maxEntries === undefined ? {} : { maxEntries }) });
    try {
      body({ db, raw, cached, cli: createSqliteGrantStore({ db: cliDb }) });
    } finally {
      cached.close();
      cliDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The cache over SQLite answers synchronously, as SQLite does. */
function now(answer: Awaitable<Grant | undefined>): Grant | undefined {
  assert.ok(!(answer instanceof Promise), 'answered synchronously');
  return answer as Grant | undefined;
}

/** Changes a grant's servers behind the store's back on the gateway's own connection, which
 *  `data_version` does not see: a cached answer shows the old servers, a query the new ones. */
function rewriteServersUnseen(db: SqliteDatabase, grantId: string): void {
  db.prepare("UPDATE grants SET servers = '[\"rewritten\"]' WHERE id = ?").run(grantId);
}

describe('grant cache over SQLite', () => {
  test('a token seen before is answered from the cache, without a query', withGateway(({ db, cached, cli }) => {
    const { grant, token } = cli.create({ name: 'agent', servers: ['alpha'] });
    assert.deepEqual(now(cached.authenticate(token)), grant);
    assert.equal(cached.cachedGrants, 1);
    rewriteServersUnseen(db, grant.id);
    assert.deepEqual(now(cached.authenticate(token))?.servers, ['alpha'], 'served from the cache');
  }));

  test('a revoke through a second connection is refused at the very next authenticate', withGateway(({ cached, cli }) => {
    const { grant, token } = cli.create({ name: 'agent', servers: ['alpha'] });
    const kept = cli.create({ name: 'bystander', servers: ['*'] });
    for (let i = 0; i < 3; i++) assert.equal(now(cached.authenticate(token))?.id, grant.id);
    cached.authenticate(kept.token);
    assert.equal(cached.cachedGrants, 2);
    cli.revoke('agent');
    assert.equal(now(cached.authenticate(token)), undefined);
    assert.equal(now(cached.authenticate(kept.token))?.id, kept.grant.id, 'other grants still work');
  }));

  test('a revoke through the cached store, or any other store on the same connection, is refused at once', withGateway(({ db, raw, cached, cli }) => {
    const first = cli.create({ name: 'first', servers: ['*'] });
    const second = cli.create({ name: 'second', servers: ['*'] });
    cached.authenticate(first.token);
    cached.authenticate(second.token);
    cached.revoke('first');
    assert.equal(now(cached.authenticate(first.token)), undefined);
    // The gateway's own connection: `PRAGMA data_version` does not change for its own commits.
    createSqliteGrantStore({ db }).revoke(second.grant.id);
    assert.equal(now(cached.authenticate(second.token)), undefined);
    assert.equal(raw.authenticate(second.token), undefined);
  }));

  test('unknown and malformed tokens are never kept', withGateway(({ cached }) => {
    for (let i = 0; i < 1_000; i++) assert.equal(cached.authenticate(`tg_${sha256Hex(String(i)).slice(0, 43)}`), undefined);
    assert.equal(cached.authenticate('not-a-token'), undefined);
    assert.equal(cached.cachedGrants, 0);
  }));

  test('the cache holds at most maxEntries; a token that left it still authenticates', withGateway(({ cached, cli }) => {
    const tokens = ['a', 'b', 'c', 'd', 'e'].map((name) => cli.create({ name, servers: ['*'] }).token);
    for (const token of tokens) assert.ok(now(cached.authenticate(token)));
    assert.equal(cached.cachedGrants, 3);
    for (const token of tokens) assert.ok(now(cached.authenticate(token)));
    assert.equal(cached.cachedGrants, 3);
  }, 3));

  test('a database that cannot answer fails closed, also for a cached token', withGateway(({ db, cached, cli }) => {
    const { token } = cli.create({ name: 'agent', servers: ['*'] });
    assert.ok(now(cached.authenticate(token)));
    db.close();
    assert.throws(() => cached.authenticate(token), /database connection is not open/);
  }));
});
