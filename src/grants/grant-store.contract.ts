// The one behaviour suite every GrantStore backend runs (SQLite, Redis): tokens work until revoked,
// names stay unambiguous, and a revoke made through another handle (another process) is seen at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../lib/clock.js';
import type { GrantStore } from './grant-store.js';

/** Two stores on the same data (two processes), sharing `clock`. */
export interface GrantStorePair {
  store: GrantStore;
  other: GrantStore;
  /** Every stored value, to prove a token is never among them. */
  storedValues(): Promise<string[]>;
  /** Waits until `store` has heard of the revoke of `grantId` made through `other`. Only for a store
   *  that learns of revokes by announcement (a replica's grant cache over Redis); without it the very
   *  next call must see the revoke. */
  revokeAnnounced?(grantId: string): Promise<void>;
  close(): Promise<void> | void;
}

export type GrantStoreFactory = (clock: ManualClock) => Promise<GrantStorePair>;

export function runGrantStoreContract(name: string, factory: GrantStoreFactory): void {
  const withStore = (body: (pair: GrantStorePair, clock: ManualClock) => Promise<void>) => async () => {
    const clock = createManualClock();
    const pair = await factory(clock);
    try {
      await body(pair, clock);
    } finally {
      await pair.close();
    }
  };

  describe(`grant store contract: ${name}`, () => {
    test('a created token authenticates as its grant', withStore(async ({ store }, clock) => {
      const { grant, token } = await store.create({ name: 'ci-agent', servers: ['mlflow', 'github'] });
      assert.match(token, /^tg_[A-Za-z0-9_-]{43}$/);
      assert.match(grant.id, /^grt_/);
      assert.deepEqual(grant, { id: grant.id, name: 'ci-agent', servers: ['mlflow', 'github'], createdAt: clock.now() });
      assert.deepEqual(await store.authenticate(token), grant);
      assert.equal(await store.isLive(grant.id), true);
      assert.equal(await store.isLive('grt_missing'), false);
    }));

    test('each grant gets its own token, and only its own token authenticates it', withStore(async ({ store }) => {
      const a = await store.create({ name: 'a', servers: ['*'] });
      const b = await store.create({ name: 'b', servers: ['*'] });
      assert.notEqual(a.token, b.token);
      assert.equal((await store.authenticate(a.token))?.id, a.grant.id);
      assert.equal((await store.authenticate(b.token))?.id, b.grant.id);
      for (const wrong of ['', 'tg_', `${a.token}x`, a.token.slice(0, -1), `tg_${'A'.repeat(43)}`, `Bearer ${a.token}`, a.token.toUpperCase()]) {
        assert.equal(await store.authenticate(wrong), undefined, JSON.stringify(wrong));
      }
    }));

    test('the token is never stored, only its hash', withStore(async ({ store, storedValues }) => {
      const { token } = await store.create({ name: 'ci', servers: ['mlflow'] });
      for (const value of await storedValues()) assert.ok(!value.includes(token.slice(3)), 'token found in the store');
    }));

    test('a revoked token stops authenticating; revoking again is harmless', withStore(async ({ store }, clock) => {
      const { grant, token } = await store.create({ name: 'ci', servers: ['mlflow'] });
      clock.advance(1000);
      const revoked = await store.revoke(grant.id);
      assert.deepEqual(revoked, { ...grant, revokedAt: clock.now() });
      assert.equal(await store.authenticate(token), undefined);
      assert.equal(await store.isLive(grant.id), false);
      clock.advance(1000);
      assert.deepEqual(await store.revoke(grant.id), revoked, 'the second revoke keeps the first time');
      assert.deepEqual(await store.list(), [revoked]);
    }));

    test('revoke by name hits the live grant; unknown names and ids match nothing', withStore(async ({ store }) => {
      const kept = await store.create({ name: 'keep', servers: ['*'] });
      const gone = await store.create({ name: 'gone', servers: ['*'] });
      assert.equal((await store.revoke('gone'))?.id, gone.grant.id);
      assert.equal(await store.authenticate(gone.token), undefined);
      assert.equal((await store.authenticate(kept.token))?.id, kept.grant.id);
      assert.equal(await store.revoke('nobody'), undefined);
      assert.equal(await store.revoke('grt_doesnotexist'), undefined);
    }));

    test('a name is unique among live grants and free again once revoked', withStore(async ({ store }, clock) => {
      const first = await store.create({ name: 'ci', servers: ['*'] });
      await assert.rejects(async () => store.create({ name: 'ci', servers: ['*'] }), /live grant named "ci" already exists/);
      await store.revoke('ci');
      clock.advance(1);
      const second = await store.create({ name: 'ci', servers: ['mlflow'] });
      assert.equal((await store.authenticate(second.token))?.id, second.grant.id);
      // The name now means the live grant; revoking it twice by name reports the same grant.
      assert.equal((await store.revoke('ci'))?.id, second.grant.id);
      assert.equal((await store.revoke('ci'))?.id, second.grant.id);
      assert.deepEqual((await store.list()).map((g) => g.id), [first.grant.id, second.grant.id]);
      assert.equal(await store.authenticate(first.token), undefined);
    }));

    test('two creates of one name at once: one wins', withStore(async ({ store, other }) => {
      const results = await Promise.allSettled([(async () => store.create({ name: 'race', servers: ['*'] }))(), (async () => other.create({ name: 'race', servers: ['*'] }))()]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    }));

    test('servers must be non-empty; "*" stands for all of them', withStore(async ({ store }) => {
      await assert.rejects(async () => store.create({ name: 'none', servers: [] }), /at least one server/);
      await assert.rejects(async () => store.create({ name: 'blank', servers: [''] }), /invalid server name/);
      assert.deepEqual((await store.create({ name: 'all', servers: ['mlflow', '*'] })).grant.servers, ['*']);
      assert.deepEqual((await store.create({ name: 'dup', servers: ['a', 'a', 'b'] })).grant.servers, ['a', 'b']);
    }));

    test('names are plain words and cannot pass for grant ids', withStore(async ({ store }) => {
      await assert.rejects(async () => store.create({ name: '', servers: ['*'] }), /invalid grant name/);
      await assert.rejects(async () => store.create({ name: 'has space', servers: ['*'] }), /invalid grant name/);
      await assert.rejects(async () => store.create({ name: 'grt_abc', servers: ['*'] }), /reserved for grant ids/);
      assert.equal((await store.list()).length, 0);
    }));

    test('a grant created and revoked through another handle is seen at once', withStore(async ({ store, other, revokeAnnounced }) => {
      const { grant, token } = await other.create({ name: 'agent', servers: ['mlflow'] });
      assert.equal((await store.authenticate(token))?.name, 'agent');
      assert.equal((await store.authenticate(token))?.name, 'agent');
      await other.revoke('agent');
      await revokeAnnounced?.(grant.id);
      assert.equal(await store.authenticate(token), undefined);
    }));
  });
}
