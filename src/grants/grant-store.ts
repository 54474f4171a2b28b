// Agent credentials: a grant names the servers an agent may reach; its token is shown once and
// stored only as a hash.

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

export interface GrantStore {
  create(input: { name: string; servers: readonly string[] }): CreatedGrant;
  list(): Grant[];
  /** Revokes by id or name; returns the revoked grant, or undefined when none matched. */
  revoke(idOrName: string): Grant | undefined;
  /** The live (unrevoked) grant for a token, checked against the store on every call. */
  authenticate(token: string): Grant | undefined;
  /** Whether the grant exists and is not revoked (for sessions that outlive a request). */
  isLive(id: string): boolean;
}

export function grantReaches(grant: Grant, server: string): boolean {
  return grant.servers.includes('*') || grant.servers.includes(server);
}
