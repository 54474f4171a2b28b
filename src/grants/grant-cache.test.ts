// The grant cache's own rules: bounded (oldest out), aged when asked, and a lookup that raced a
// forget is not kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createGrantCache } from './grant-cache.js';
import type { Grant } from './grant-store.js';

const grant = (id: string): Grant => ({ id, name: id, servers: ['*'], createdAt: 0 });

describe('grant cache', () => {
  test('holds at most maxEntries: the oldest leaves first', () => {
    const cache = createGrantCache({ maxEntries: 3, maxAgeMs: Infinity });
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(`hash-${id}`, grant(id), cache.epoch, 0);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('hash-a', 0), undefined);
    assert.deepEqual(['b', 'c', 'd'].map((id) => cache.get(`hash-${id}`, 0)?.id), ['b', 'c', 'd']);
  });

  test('an entry older than maxAgeMs is not served (nor one from the future: a clock set back)', () => {
    const cache = createGrantCache({ maxEntries: 10, maxAgeMs: 250 });
    cache.remember('h', grant('g'), cache.epoch, 1_000);
    assert.equal(cache.get('h', 1_249)?.id, 'g');
    assert.equal(cache.get('h', 1_250), undefined);
    cache.remember('h', grant('g'), cache.epoch, 1_000);
    assert.equal(cache.get('h', 999), undefined);
  });

  test('a lookup that started before a forget is not kept', () => {
    const cache = createGrantCache({ maxEntries: 10, maxAgeMs: Infinity });
    const before = cache.epoch;
    cache.forgetGrant('someone-else');
    cache.remember('h', grant('g'), before, 0);
    assert.equal(cache.get('h', 0), undefined);
    const beforeClear = cache.epoch;
    cache.clear();
    cache.remember('h', grant('g'), beforeClear, 0);
    assert.equal(cache.size, 0);
  });

  test('forgetGrant drops that grant only; clear drops all', () => {
    const cache = createGrantCache({ maxEntries: 10, maxAgeMs: Infinity });
    cache.remember('ha', grant('a'), cache.epoch, 0);
    cache.remember('hb', grant('b'), cache.epoch, 0);
    cache.forgetGrant('a');
    assert.equal(cache.get('ha', 0), undefined);
    assert.equal(cache.get('hb', 0)?.id, 'b');
    cache.clear();
    assert.equal(cache.size, 0);
  });

  test('the grant handed out cannot be changed by one request for the next', () => {
    const cache = createGrantCache({ maxEntries: 10, maxAgeMs: Infinity });
    cache.remember('h', { id: 'g', name: 'g', servers: ['alpha'], createdAt: 0 }, cache.epoch, 0);
    const served = cache.get('h', 0)!;
    assert.throws(() => (served.servers as string[]).push('beta'));
    assert.throws(() => Object.assign(served, { id: 'other' }));
  });

  test('bad sizes are refused with what was given', () => {
    assert.throws(() => createGrantCache({ maxEntries: 0, maxAgeMs: 1 }), /maxEntries must be a positive integer, got 0/);
    assert.throws(() => createGrantCache({ maxEntries: 1, maxAgeMs: 0 }), /maxAgeMs must be positive/);
  });
});
