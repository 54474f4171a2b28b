// Grants in SQLite: tokens work until revoked, only their hash is kept, names stay unambiguous,
// and a revoke made through another connection (another process) is seen at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '../lib/clock.js';
import { sha256Hex } from '../lib/hash.js';
import { DATABASE_FILE, openDatabase, openDatabaseFile, type SqliteDatabase } from '../lib/sqlite.js';
import { createSqliteGrantStore } from './sqlite-grant-store.js';

function withDb(body: (db: SqliteDatabase, dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-grants-'));
    const db = openDatabase(dir);
    try {
      await body(db, dir);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('sqlite grant store', () => {
  test('a created token authenticates as its grant', withDb((db) => {
    const clock = createManualClock();
    const store = createSqliteGrantStore({ db, clock });
    const { grant, token } = store.create({ name: 'ci-agent', servers: ['mlflow', 'github'] });
    assert.match(token, /^tg_[A-Za-z0-9_-]{43}$/);
    assert.match(grant.id, /^grt_/);
    assert.deepEqual(grant, { id: grant.id, name: 'ci-agent', servers: ['mlflow', 'github'], createdAt: clock.now() });
    assert.deepEqual(store.authenticate(token), grant);
  }));

  test('each grant gets its own token, and only its own token authenticates it', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    const a = store.create({ name: 'a', servers: ['*'] });
    const b = store.create({ name: 'b', servers: ['*'] });
    assert.notEqual(a.token, b.token);
    assert.equal(store.authenticate(a.token)?.id, a.grant.id);
    assert.equal(store.authenticate(b.token)?.id, b.grant.id);
    for (const wrong of ['', 'tg_', `${a.token}x`, a.token.slice(0, -1), `tg_${'A'.repeat(43)}`, `Bearer ${a.token}`, a.token.toUpperCase()]) {
      assert.equal(store.authenticate(wrong), undefined, JSON.stringify(wrong));
    }
  }));

  test('only the SHA-256 of the token is stored', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    const { grant, token } = store.create({ name: 'ci', servers: ['mlflow'] });
    const row = db.prepare('SELECT * FROM grants WHERE id = ?').get(grant.id) as Record<string, unknown>;
    assert.equal(row['token_hash'], sha256Hex(token));
    for (const value of Object.values(row)) assert.ok(!String(value).includes(token.slice(3)), 'token found in a column');
  }));

  test('a revoked token stops authenticating; revoking again is harmless', withDb((db) => {
    const clock = createManualClock();
    const store = createSqliteGrantStore({ db, clock });
    const { grant, token } = store.create({ name: 'ci', servers: ['mlflow'] });
    clock.advance(1000);
    const revoked = store.revoke(grant.id);
    assert.deepEqual(revoked, { ...grant, revokedAt: clock.now() });
    assert.equal(store.authenticate(token), undefined);
    clock.advance(1000);
    assert.deepEqual(store.revoke(grant.id), revoked, 'the second revoke keeps the first time');
    assert.deepEqual(store.list(), [revoked]);
  }));

  test('revoke by name hits the live grant; unknown names and ids match nothing', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    const kept = store.create({ name: 'keep', servers: ['*'] });
    const gone = store.create({ name: 'gone', servers: ['*'] });
    assert.equal(store.revoke('gone')?.id, gone.grant.id);
    assert.equal(store.authenticate(gone.token), undefined);
    assert.equal(store.authenticate(kept.token)?.id, kept.grant.id);
    assert.equal(store.revoke('nobody'), undefined);
    assert.equal(store.revoke('grt_doesnotexist'), undefined);
  }));

  test('a name is unique among live grants and free again once revoked', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    const first = store.create({ name: 'ci', servers: ['*'] });
    assert.throws(() => store.create({ name: 'ci', servers: ['*'] }), /live grant named "ci" already exists/);
    store.revoke('ci');
    const second = store.create({ name: 'ci', servers: ['mlflow'] });
    assert.equal(store.authenticate(second.token)?.id, second.grant.id);
    // The name now means the live grant; revoking it twice by name reports the same grant.
    assert.equal(store.revoke('ci')?.id, second.grant.id);
    assert.equal(store.revoke('ci')?.id, second.grant.id);
    assert.equal(store.list().length, 2);
    assert.equal(store.authenticate(first.token), undefined);
  }));

  test('servers must be non-empty; "*" stands for all of them', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    assert.throws(() => store.create({ name: 'none', servers: [] }), /at least one server/);
    assert.throws(() => store.create({ name: 'blank', servers: [''] }), /invalid server name/);
    assert.deepEqual(store.create({ name: 'all', servers: ['mlflow', '*'] }).grant.servers, ['*']);
    assert.deepEqual(store.create({ name: 'dup', servers: ['a', 'a', 'b'] }).grant.servers, ['a', 'b']);
  }));

  test('names are plain words and cannot pass for grant ids', withDb((db) => {
    const store = createSqliteGrantStore({ db });
    assert.throws(() => store.create({ name: '', servers: ['*'] }), /invalid grant name/);
    assert.throws(() => store.create({ name: 'has space', servers: ['*'] }), /invalid grant name/);
    assert.throws(() => store.create({ name: 'grt_abc', servers: ['*'] }), /reserved for grant ids/);
    assert.equal(store.list().length, 0);
  }));

  test('a grant created and revoked through another connection is seen at once', withDb((db, dir) => {
    const gateway = createSqliteGrantStore({ db });
    const cliDb = openDatabaseFile(join(dir, DATABASE_FILE));
    try {
      const cli = createSqliteGrantStore({ db: cliDb });
      const { token } = cli.create({ name: 'agent', servers: ['mlflow'] });
      assert.equal(gateway.authenticate(token)?.name, 'agent');
      cli.revoke('agent');
      assert.equal(gateway.authenticate(token), undefined);
    } finally {
      cliDb.close();
    }
  }));
});
