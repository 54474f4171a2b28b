// What every grant store accepts: token shape, grant names and server lists, checked the same way
// whichever backend keeps them.
import { randomBytes } from 'node:crypto';

/** `tg_` + 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^tg_[A-Za-z0-9_-]{43}$/;
const GRANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$/;
const SERVER_NAME = /^(?:\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/;

export function newGrantToken(): string {
  return `tg_${randomBytes(32).toString('base64url')}`;
}

/** A string that cannot be a token never costs a hash or a query. */
export function couldBeToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

export function checkGrantName(name: unknown): string {
  if (typeof name !== 'string' || !GRANT_NAME.test(name)) {
    throw new Error(
      `invalid grant name ${JSON.stringify(name)}: use 1-64 letters, digits, "_", ".", "@", ":" or "-", starting with a letter or digit`,
    );
  }
  // Revoke and audit accept "id or name": a name shaped like an id would make that ambiguous.
  if (name.startsWith('grt_')) throw new Error(`invalid grant name "${name}": names may not start with "grt_" (reserved for grant ids)`);
  return name;
}

export function checkGrantServers(servers: readonly unknown[]): string[] {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new Error('a grant must name at least one server (or "*" for every server)');
  }
  for (const server of servers) {
    if (typeof server !== 'string' || !SERVER_NAME.test(server)) throw new Error(`invalid server name ${JSON.stringify(server)}`);
  }
  const unique = [...new Set(servers as string[])];
  return unique.includes('*') ? ['*'] : unique;
}

export function nameTakenError(name: string): Error {
  return new Error(`a live grant named "${name}" already exists: revoke it first or choose another name`);
}
