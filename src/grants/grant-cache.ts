// The memory behind cached-grant-store.ts: grants found by authenticate, keyed by the SHA-256 of
// their token (never the token), bounded in size and, when asked, in age. It knows nothing of stores.
import type { Grant } from './grant-store.js';

export interface GrantCacheOptions {
  /** The oldest entry leaves when a new one would exceed this. */
  maxEntries: number;
  /** An entry older than this (by the `now` passed in) is not served. `Infinity`: no age limit. */
  maxAgeMs: number;
}

export interface GrantCache {
  /** The cached grant for a token hash, unless it is older than `maxAgeMs`. */
  get(tokenHash: string, now: number): Grant | undefined;
  /** Changes whenever something is forgotten: a lookup that started before may be stale, so
   *  `remember` drops its answer. */
  readonly epoch: number;
  /** Keeps `grant` unless something was forgotten since `epochAtLookup` (a revoke raced the lookup). */
  remember(tokenHash: string, grant: Grant, epochAtLookup: number, now: number): void;
  forgetGrant(grantId: string): void;
  clear(): void;
  readonly size: number;
}

interface Entry {
  grant: Grant;
  storedAt: number;
}

export function createGrantCache(options: GrantCacheOptions): GrantCache {
  const { maxEntries, maxAgeMs } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`grant cache: maxEntries must be a positive integer, got ${String(maxEntries)}`);
  if (!(maxAgeMs > 0)) throw new Error(`grant cache: maxAgeMs must be positive (or Infinity), got ${String(maxAgeMs)}`);
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const entries = new Map<string, Entry>();
  let epoch = 0;

  return {
    get(tokenHash, now) {
      const entry = entries.get(tokenHash);
      if (!entry) return undefined;
      if (now - entry.storedAt >= maxAgeMs || now < entry.storedAt) {
        entries.delete(tokenHash);
        return undefined;
      }
      return entry.grant;
    },
    get epoch() {
      return epoch;
    },
    remember(tokenHash, grant, epochAtLookup, now) {
      if (epochAtLookup !== epoch) return;
      entries.delete(tokenHash);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      // One object is handed to every request of this token: nobody may change it.
      entries.set(tokenHash, { grant: Object.freeze({ ...grant, servers: Object.freeze([...grant.servers]) }), storedAt: now });
    },
    forgetGrant(grantId) {
      epoch++;
      for (const [tokenHash, entry] of entries) if (entry.grant.id === grantId) entries.delete(tokenHash);
    },
    clear() {
      epoch++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
