// The counter store contract every backend (memory, SQLite, later Redis) fulfils, and the one
// contract test suite in `counter-store.contract.ts` checks.
import type { LimitRequest } from '../policy/types.js';

/** A held reservation: every counter of one call, reserved together. */
export interface Reservation {
  readonly id: string;
  readonly requests: readonly LimitRequest[];
  /** What the store counted, in its own terms, so a rollback can give exactly that back. */
  readonly counted?: unknown;
}

export type ReserveResult =
  | { kind: 'reserved'; reservation: Reservation }
  /** A counter would pass its max; nothing was reserved. */
  | { kind: 'exceeded'; request: LimitRequest; current: number; retryAfterMs: number }
  /** The store cannot answer (e.g. Redis down): the call must be denied, never forwarded. */
  | { kind: 'unavailable'; reason: string };

export interface CounterStore {
  /** Reserves every request atomically, or none. Never admits a call past any `max`. */
  reserve(requests: readonly LimitRequest[]): Promise<ReserveResult>;
  /** The server answered: the reservation stands. Idempotent. */
  commit(reservation: Reservation): Promise<void>;
  /** The server provably did not run the call: give the amounts back. Idempotent; touches only
   *  the windows the reservation was made in. */
  rollback(reservation: Reservation): Promise<void>;
  /** Current total for a counter key in the window containing now (for tests and inspection). */
  peek(request: Pick<LimitRequest, 'key' | 'window'>): Promise<number>;
  close(): Promise<void>;
}
