// Random identifiers and secrets: prefixed, URL-safe, from the OS CSPRNG.
import { randomBytes } from 'node:crypto';

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
