// Identifiers: random ones and secrets (prefixed, URL-safe, from the OS CSPRNG), and cheap
// sequential ones unique across processes.
import { randomBytes } from 'node:crypto';

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

const processPart = randomBytes(9).toString('base64url');
let sequence = 0;

/** Unique across processes (a random part fixed per process) and cheap: for ids that need not be
 *  unguessable, such as counter reservations, made on every call. */
export function sequentialId(prefix: string): string {
  return `${prefix}_${processPart}${(sequence++).toString(36)}`;
}
