// The approval hook the gateway uses: parks a call as a pending approval (or finds the one already
// asked for), holds it while a human decides, and hands back approved, denied or still pending.
import type { AuditSink } from '../audit/audit-sink.js';
import type { Clock } from '../lib/clock.js';
import { hashArguments } from '../lib/hash.js';
import type { Logger } from '../lib/logger.js';
import type { ApprovalChannel, ApprovalHook, ApprovalOutcome, ApprovalRequest } from './approval-hook.js';
import type { Approval, ApprovalKey, ApprovalStore, ApprovalVerdict, DecideResult, DecisionFeed } from './approval-store.js';
import { createApprovalWaiter } from './approval-waiter.js';
import type { ApprovalWebhook } from './approval-webhook.js';
import { approvalEventBase, decideApproval, describeDecision } from './decide-approval.js';

export interface ApprovalQueueOptions {
  store: ApprovalStore;
  audit: AuditSink;
  clock: Clock;
  logger: Logger;
  /** How long a call is held waiting for a decision before it is answered "pending" (0: not held). */
  holdMs: number;
  /** How often a held call with a progress token gets a progress notification (default 1 s). */
  progressIntervalMs?: number;
  /** How often held approvals are re-read for decisions made by another process (default 200 ms). */
  pollMs?: number;
  /** Decisions announced by a shared store (Redis pub/sub): held calls wake at once, nothing polls. */
  decisions?: DecisionFeed;
  webhook?: ApprovalWebhook;
  /** The grant's name, shown to approvers. */
  grantName?: (grantId: string) => Promise<string | undefined> | string | undefined;
}

export interface ApprovalQueue extends ApprovalHook {
  readonly store: ApprovalStore;
  /** Decides, records the decision in the audit trail, and wakes the calls held on it. */
  decide(id: string, verdict: ApprovalVerdict, decidedBy: string, reason?: string): Promise<DecideResult>;
  /** Answers every held call "pending" now and holds no more (the gateway is stopping). */
  close(): void;
}

/** Two calls with the same arguments may race for one approved approval; the loser asks again, once. */
const MAX_ATTEMPTS = 2;

export function createApprovalQueue(options: ApprovalQueueOptions): ApprovalQueue {
  const { store, audit, clock, logger } = options;
  const progressIntervalMs = options.progressIntervalMs ?? 1_000;
  const waiter = createApprovalWaiter({
    store,
    logger,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.decisions ? { decisions: options.decisions } : {}),
  });
  let closed = false;

  async function create(request: ApprovalRequest, key: ApprovalKey): Promise<Approval> {
    const { facts } = request;
    const grantName = await options.grantName?.(facts.grantId);
    const approval = await store.create({
      server: facts.server,
      grantId: facts.grantId,
      ...(grantName !== undefined ? { grantName } : {}),
      ...(facts.sessionId !== undefined ? { sessionId: facts.sessionId } : {}),
      tool: facts.tool,
      arguments: { ...facts.args },
      argsHash: key.argsHash,
      ...(request.riskClass !== undefined ? { riskClass: request.riskClass } : {}),
      rule: request.rule,
      reason: request.reason,
      timeoutMs: request.approvalTimeoutMs,
    });
    audit.record({ ...approvalEventBase(approval, approval.createdAt), reason: `approval ${approval.id} requested: ${approval.reason}` });
    logger.info({ approval: approval.id, server: approval.server, tool: approval.tool, grant: approval.grantId }, 'approval requested');
    options.webhook?.notify(approval);
    return approval;
  }

  /** Holds until the approval is decided, the hold time is over, the client leaves or we stop. */
  async function hold(approval: Approval, deadline: number, channel: ApprovalChannel | undefined): Promise<Approval> {
    const remaining = deadline - Date.now();
    if (closed || remaining <= 0 || channel?.closed) return approval;
    let progress = 0;
    const token = channel?.progressToken;
    const ticker =
      token === undefined
        ? undefined
        : setInterval(() => {
            if (channel?.closed) return;
            progress += 1;
            const message = `waiting for a human to decide approval ${approval.id}`;
            channel?.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress, message } });
          }, progressIntervalMs);
    try {
      await waiter.wait(approval.id, remaining, channel ? (listener) => channel.onAbort(listener) : undefined);
    } finally {
      if (ticker) clearInterval(ticker);
    }
    return (await store.get(approval.id)) ?? approval;
  }

  async function settle(approval: Approval): Promise<ApprovalOutcome | undefined> {
    switch (approval.status) {
      case 'approved':
        if (!(await store.consume(approval.id))) return undefined;
        return {
          kind: 'approved',
          approvalId: approval.id,
          decidedBy: approval.decidedBy ?? 'unknown',
          release: () => store.release(approval.id),
        };
      case 'denied':
        await store.markDelivered(approval.id);
        return { kind: 'denied', approvalId: approval.id, reason: approval.decisionReason ?? `approval ${approval.id} was ${describeDecision(approval)}` };
      case 'expired':
        await store.markDelivered(approval.id);
        return { kind: 'denied', approvalId: approval.id, reason: `approval ${approval.id} expired at ${new Date(approval.expiresAt).toISOString()} without being approved` };
      case 'used':
        return undefined;
      case 'pending':
        return { kind: 'pending', approvalId: approval.id, expiresAt: approval.expiresAt };
    }
  }

  async function ask(request: ApprovalRequest): Promise<ApprovalOutcome> {
    const deadline = Date.now() + options.holdMs;
    const key: ApprovalKey = { grantId: request.facts.grantId, server: request.facts.server, tool: request.facts.tool, argsHash: hashArguments(request.facts.args) };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const open = await store.findOpen(key);
      // An answer already given (approved, denied, expired) is handed to this call.
      if (open && open.status !== 'pending') {
        const outcome = await settle(open);
        if (outcome) return outcome;
      }
      const waiting = open?.status === 'pending' ? open : await create(request, key);
      const held = await hold(waiting, deadline, request.channel);
      // The client left: nobody is waiting for the result, so an approval is kept for a retry.
      if (request.channel?.closed) return { kind: 'pending', approvalId: held.id, expiresAt: held.expiresAt };
      const outcome = await settle(held);
      if (outcome) return outcome;
    }
    // Lost both races for an approved approval: ask again, without holding.
    const fresh = await create(request, key);
    return { kind: 'pending', approvalId: fresh.id, expiresAt: fresh.expiresAt };
  }

  return {
    store,

    async request(request) {
      try {
        return await ask(request);
      } catch (error) {
        // Fail closed: a call that cannot be parked for a human is denied, never let through.
        logger.error({ err: error, server: request.facts.server, tool: request.facts.tool }, 'approval store unavailable; denying');
        return { kind: 'unavailable', reason: `${request.reason}; approval is required (${request.rule}) but the approval store is unavailable` };
      }
    },

    async decide(id, verdict, decidedBy, reason) {
      const result = await decideApproval(store, audit, clock, { id, verdict, decidedBy, ...(reason !== undefined ? { reason } : {}) });
      if (result.kind === 'decided') waiter.wake(id);
      return result;
    },

    close() {
      closed = true;
      waiter.close();
    },
  };
}
