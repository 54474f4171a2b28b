// A grant store with a cache in front of `authenticate`, for the gateway (every HTTP request asks):
// a token seen before costs a SHA-256 and a map lookup (over SQLite also a `PRAGMA data_version`)
// instead of a query, while a revoke still takes effect at once (docs/decisions/016-grant-cache.md
// says what bounds "at once" over Redis).
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { sha256Hex } from '../lib/hash.js';
import { createGrantCache } from './grant-cache.js';
import { couldBeToken } from './grant-fields.js';
import type { Awaitable, Grant, GrantCacheSupport, GrantStore } from './grant-store.js';

export const DEFAULT_GRANT_CACHE_ENTRIES = 10_000;

export interface CachedGrantStoreOptions {
  store: GrantStore;
  /** Default 10,000: the oldest entry leaves first. Only live grants are kept, so random tokens
   *  cannot fill it. */
  maxEntries?: number;
  /** Measures the age of Redis entries (`maxAgeMs`). */
  clock?: Clock;
}

export interface CachedGrantStore extends GrantStore {
  /** Stops listening for revoke announcements; the store answers on, uncached. */
  close(): void;
  /** Entries held now (for tests and diagnostics). */
  readonly cachedGrants: number;
}

/** `store` with a cache, when the store can keep one honest (`cacheSupport`); otherwise `store`'s
 *  own answers, every time. */
export function createCachedGrantStore(options: CachedGrantStoreOptions): CachedGrantStore {
  const support = options.store.cacheSupport;
  return support ? cacheInFront(options, support) : passThrough(options.store);
}

function cacheInFront(options: CachedGrantStoreOptions, support: GrantCacheSupport): CachedGrantStore {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const cache = createGrantCache({ maxEntries: options.maxEntries ?? DEFAULT_GRANT_CACHE_ENTRIES, maxAgeMs: support.maxAgeMs });
  const aged = Number.isFinite(support.maxAgeMs);
  let seenVersion: number | undefined;
  let caching = true;

  // Revokes announced by other replicas, and "you may have missed some" after a reconnect.
  const stopWatching = store.watchRevocations?.({
    revoked: (grantId) => cache.forgetGrant(grantId),
    resync: () => cache.clear(),
  });

  /** Whether the cache may be used for this lookup; empties it when the store says it changed. */
  function usable(): boolean {
    if (!caching || (support.announcementsLive && !support.announcementsLive())) {
      if (cache.size > 0) cache.clear();
      return false;
    }
    if (support.version) {
      const version = support.version();
      if (version !== seenVersion) {
        seenVersion = version;
        cache.clear();
      }
    }
    return true;
  }

  function authenticate(token: string): Awaitable<Grant | undefined> {
    if (!couldBeToken(token)) return undefined;
    const tokenHash = sha256Hex(token);
    if (!usable()) return support.authenticateHash(tokenHash);
    const now = aged ? clock.now() : 0;
    const cached = cache.get(tokenHash, now);
    if (cached) return cached;
    const epoch = cache.epoch;
    const keep = (grant: Grant | undefined): Grant | undefined => {
      if (grant) cache.remember(tokenHash, grant, epoch, aged ? clock.now() : 0);
      return grant;
    };
    return failingClosed(() => support.authenticateHash(tokenHash), keep);
  }

  function revoke(idOrName: string): Awaitable<Grant | undefined> {
    // Drops the grant's entry even when the store's own announcement never comes back here
    // (SQLite: a connection does not see its own commits in `data_version`).
    const forget = (grant: Grant | undefined): Grant | undefined => {
      if (grant) cache.forgetGrant(grant.id);
      return grant;
    };
    return failingClosed(() => store.revoke(idOrName), forget);
  }

  /** Runs a store call that answers now or later, then `use` on its answer. A store that fails
   *  probably cannot answer for the cached tokens either (and a revoke may have happened before the
   *  error): the cache is emptied and the error goes on, so the request is refused. */
  function failingClosed<T>(call: () => Awaitable<T>, use: (value: T) => T): Awaitable<T> {
    let answer: Awaitable<T>;
    try {
      answer = call();
    } catch (error) {
      cache.clear();
      throw error;
    }
    if (!(answer instanceof Promise)) return use(answer);
    return answer.then(use, (error: unknown) => {
      cache.clear();
      throw error;
    });
  }

  const cached: CachedGrantStore = {
    create: (input) => store.create(input),
    list: () => store.list(),
    revoke,
    authenticate,
    isLive: (id) => store.isLive(id),
    close() {
      caching = false;
      stopWatching?.();
      cache.clear();
    },
    get cachedGrants() {
      return cache.size;
    },
  };
  if (store.watchRevocations) cached.watchRevocations = (listener) => store.watchRevocations!(listener);
  return cached;
}

function passThrough(store: GrantStore): CachedGrantStore {
  const uncached: CachedGrantStore = {
    create: (input) => store.create(input),
    list: () => store.list(),
    revoke: (idOrName) => store.revoke(idOrName),
    authenticate: (token) => store.authenticate(token),
    isLive: (id) => store.isLive(id),
    close: () => undefined,
    cachedGrants: 0,
  };
  if (store.watchRevocations) uncached.watchRevocations = (listener) => store.watchRevocations!(listener);
  return uncached;
}
