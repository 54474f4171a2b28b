// The admin API's one credential: `Authorization: Bearer <admin token>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** A checker for the configured token; hashing both sides first makes the compare length-independent. */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = createHash('sha256').update(match?.[1] ?? '').digest();
    // Always compare, so a missing header costs the same as a wrong one.
    return timingSafeEqual(presented, expected) && match !== null;
  };
}
