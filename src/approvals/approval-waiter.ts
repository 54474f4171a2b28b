// Wakes held calls when their approval is decided: at once for a decision made in this process or
// announced by a shared store's feed (Redis pub/sub); else by polling the store while some call is
// held (the SQLite default, where the CLI decides from another process). One timer serves every call.
import type { Logger } from '../lib/logger.js';
import type { ApprovalStore, DecisionFeed } from './approval-store.js';

export interface ApprovalWaiterOptions {
  store: ApprovalStore;
  logger: Logger;
  /** How often held approvals are re-read, for decisions made by another process (default 200 ms). */
  pollMs?: number;
  /** Decisions announced by the store: when given, there is no polling. */
  decisions?: DecisionFeed;
}

export interface ApprovalWaiter {
  /** Resolves when the approval is no longer pending, after `timeoutMs`, on `abort`, or on close. */
  wait(id: string, timeoutMs: number, onAbort?: (listener: () => void) => void): Promise<void>;
  /** An approval was decided here: wake its held calls now. */
  wake(id: string): void;
  /** Releases every held call, and every later wait at once. */
  close(): void;
}

export function createApprovalWaiter(options: ApprovalWaiterOptions): ApprovalWaiter {
  const pollMs = options.pollMs ?? 200;
  const held = new Map<string, Set<() => void>>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;

  function release(id: string): void {
    const waiters = held.get(id);
    held.delete(id);
    for (const done of waiters ?? []) done();
    if (held.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  async function check(id: string): Promise<void> {
    try {
      const approval = await options.store.get(id);
      if (approval?.status !== 'pending') release(id);
    } catch (error) {
      options.logger.warn({ err: error, approval: id }, 'could not read a held approval; will retry');
    }
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      for (const id of [...held.keys()]) await check(id);
    } finally {
      polling = false;
    }
  }

  // With a feed, a notice wakes its calls; after a reconnect every held approval is read once,
  // since notices published meanwhile were lost.
  const unsubscribe = options.decisions?.subscribe({
    decided: (id) => {
      if (held.has(id)) void check(id);
    },
    resync: () => void poll(),
  });

  return {
    wait(id, timeoutMs, onAbort) {
      if (closed || timeoutMs <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let finished = false;
        const done = (): void => {
          if (finished) return;
          finished = true;
          clearTimeout(deadline);
          held.get(id)?.delete(done);
          if (held.get(id)?.size === 0) release(id);
          resolve();
        };
        const deadline = setTimeout(done, timeoutMs);
        const waiters = held.get(id) ?? new Set();
        waiters.add(done);
        held.set(id, waiters);
        onAbort?.(done);
        // A decision announced between the caller's read and now would be missed: read once more.
        if (options.decisions) void check(id);
        else timer ??= setInterval(() => void poll(), pollMs);
      });
    },
    wake(id) {
      if (held.has(id)) void check(id);
    },
    close() {
      closed = true;
      unsubscribe?.();
      for (const id of [...held.keys()]) release(id);
    },
  };
}
