// Agent credentials: a grant names the servers an agent may reach; its token is shown once and
// stored only as a hash. Backends: SQLite (the default), or Redis shared by replicas.

export interface Grant {
  id: string;
  name: string;
  /** Server names, or `["*"]` for every server. */
  servers: readonly string[];
  createdAt: number;
  revokedAt?: number;
}

export interface CreatedGrant {
  grant: Grant;
  /** The bearer token: returned once, never stored. */
  token: string;
}

/** The embedded SQLite store answers at once; a shared store (Redis) answers later. Callers await. */
export type Awaitable<T> = T | Promise<T>;

export interface GrantStore {
  create(input: { name: string; servers: readonly string[] }): Awaitable<CreatedGrant>;
  list(): Awaitable<Grant[]>;
  /** Revokes by id or name; returns the revoked grant, or undefined when none matched. */
  revoke(idOrName: string): Awaitable<Grant | undefined>;
  /** The live (unrevoked) grant for a token, checked against the store on every call. Throws (or
   *  rejects) when the store cannot answer: the caller refuses the request (fail closed). */
  authenticate(token: string): Awaitable<Grant | undefined>;
  /** Whether the grant exists and is not revoked (for sessions that outlive a request). */
  isLive(id: string): Awaitable<boolean>;
  /** A shared store tells every replica of a revoke at once; `resync` after it may have missed some. */
  watchRevocations?(listener: RevocationListener): () => void;
  /** What a cache in front of `authenticate` needs (cached-grant-store.ts); absent when this store
   *  cannot tell a cache that its grants changed (a Redis store without a subscriber). */
  readonly cacheSupport?: GrantCacheSupport;
}

/** How a store keeps a cache of its grants honest. Revokes it announces (`watchRevocations`) and
 *  revokes made through the cache are handled by the cache itself. */
export interface GrantCacheSupport {
  /** `authenticate` by the token's SHA-256 (what the store keeps), so the cache hashes once. */
  authenticateHash(tokenHash: string): Awaitable<Grant | undefined>;
  /** Read before every lookup; a new value means grants may have changed: the cache starts afresh.
   *  SQLite: moves when another connection commits (`PRAGMA data_version`) or this one revokes. */
  version?(): number;
  /** False while revokes made elsewhere could go unannounced (Redis: the subscription is down): the
   *  cache then neither serves nor keeps anything. */
  announcementsLive?(): boolean;
  /** The longest a cached grant is served without asking the store (`Infinity`: no limit). */
  maxAgeMs: number;
}

export interface RevocationListener {
  revoked(grantId: string): void;
  resync(): void;
}

export function grantReaches(grant: Grant, server: string): boolean {
  return grant.servers.includes('*') || grant.servers.includes(server);
}
