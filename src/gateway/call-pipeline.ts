// The per-call pipeline for `tools/call`: parse → decide → approve → reserve → forward →
// commit/rollback → audit. Every path ends in exactly one audit event.
import type { ApprovalChannel, ApprovalHook, ApprovalOutcome } from '../approvals/approval-hook.js';
import type { AuditEvent, AuditSink, UpstreamStatus } from '../audit/audit-sink.js';
import type { Clock } from '../lib/clock.js';
import { hashArguments } from '../lib/hash.js';
import type { Logger } from '../lib/logger.js';
import type { CallFacts, Decision, LimitRequest, Outcome } from '../policy/types.js';
import { isErrorResponse, resultResponse, type JsonRpcRequest, type JsonRpcResponse } from '../protocol/jsonrpc.js';
import { approvalDeniedResult, policyDeniedResult } from '../protocol/tool-results.js';
import { wireError } from '../protocol/wire-errors.js';
import type { CounterStore, Reservation } from '../state/counter-store.js';
import type { ReplySink } from '../transport/client-channel.js';
import { admitsFailOpen, UNCOUNTED_REASON } from './fail-open.js';
import type { ForwardResult } from './forward-result.js';
import type { PolicyDecider } from './policy-holder.js';

export interface PipelineDeps {
  counters: CounterStore;
  audit: AuditSink;
  approvals: ApprovalHook;
  clock: Clock;
  logger: Logger;
  /** `open`: a call with only pure rate limits passes uncounted when the store is unavailable. */
  failMode?: 'closed' | 'open';
  /** Calls still running, so a shutdown can wait for their audit events. */
  inflight?: Set<Promise<unknown>>;
}

export interface CallContext {
  server: string;
  grantId: string;
  sessionId?: string;
  policy: PolicyDecider;
  forward(request: JsonRpcRequest): Promise<ForwardResult>;
  /** The call's reply: a call held for approval sends progress on it and stops when it aborts. */
  reply?: ReplySink;
  /** The client cancelled this request (`notifications/cancelled`) before it was forwarded. */
  onCancel?(listener: () => void): void;
}

/** JSON-RPC codes that prove the server refused the message before running anything (-32600 is
 *  left out: a tool handler may throw it after acting). */
const NOT_RUN_CODES = new Set([-32700, -32601]);

export async function runToolCall(deps: PipelineDeps, ctx: CallContext, request: JsonRpcRequest): Promise<JsonRpcResponse> {
  const started = deps.clock.now();
  const params = request.params ?? {};
  const name = params['name'];
  const rawArgs = params['arguments'];
  if (typeof name !== 'string' || name === '') {
    return wireError('INVALID_TOOL_CALL', request.id, 'Invalid params: tools/call needs "name", a non-empty string');
  }
  if (rawArgs !== undefined && (rawArgs === null || typeof rawArgs !== 'object' || Array.isArray(rawArgs))) {
    return wireError('INVALID_TOOL_CALL', request.id, 'Invalid params: "arguments" must be an object');
  }
  const args = (rawArgs ?? {}) as Record<string, unknown>;
  const facts: CallFacts = { server: ctx.server, tool: name, args, grantId: ctx.grantId, ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}) };
  const auditCall = (outcome: Pick<AuditEvent, 'decision' | 'rule' | 'reason' | 'approvalId' | 'decidedBy'>, upstreamStatus: UpstreamStatus): void => {
    deps.audit.record({
      time: started,
      server: ctx.server,
      grantId: ctx.grantId,
      ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}),
      tool: name,
      ...outcome,
      argKeys: Object.keys(args),
      argHash: hashArguments(args),
      upstreamStatus,
      latencyMs: deps.clock.now() - started,
    });
  };
  const audit = auditCall;

  const decideSafely = (): Decision => {
    try {
      return ctx.policy.decide(facts);
    } catch (error) {
      deps.logger.error({ err: error, server: ctx.server, tool: name }, 'policy evaluation failed; denying');
      return { kind: 'deny', rule: 'engine', reason: 'the policy could not be evaluated for this call' };
    }
  };
  const decision = decideSafely();

  switch (decision.kind) {
    case 'hidden':
      audit({ decision: 'deny', rule: decision.rule, reason: decision.reason }, 'not_sent');
      return wireError('UNKNOWN_TOOL', request.id, `Unknown tool: ${name}`);
    case 'deny':
      return deny(decision);
    case 'approval': {
      const channel = ctx.reply && approvalChannel(ctx.reply, params['_meta'], ctx.onCancel);
      const outcome = await deps.approvals.request({
        facts,
        rule: decision.rule,
        reason: decision.reason,
        approvalTimeoutMs: decision.approvalTimeoutMs,
        ...(decision.toolClass !== undefined ? { riskClass: decision.toolClass } : {}),
        ...(channel ? { channel } : {}),
      });
      if (outcome.kind === 'unavailable') return deny({ kind: 'deny', rule: decision.rule, reason: outcome.reason });
      if (outcome.kind === 'denied') {
        audit({ decision: 'approval', rule: decision.rule, reason: outcome.reason, ...(outcome.approvalId ? { approvalId: outcome.approvalId } : {}) }, 'not_sent');
        return resultResponse(request.id, approvalDeniedResult(outcome.reason, { decision: 'approval', rule: decision.rule, ...(outcome.approvalId ? { approvalId: outcome.approvalId } : {}) }));
      }
      if (outcome.kind === 'pending') {
        const expires = outcome.expiresAt === undefined ? '' : ` (it expires at ${new Date(outcome.expiresAt).toISOString()})`;
        const text = `approval ${outcome.approvalId} is pending; call again with the same arguments once it is approved${expires}`;
        audit({ decision: 'approval', rule: decision.rule, reason: text, approvalId: outcome.approvalId }, 'not_sent');
        return resultResponse(request.id, { content: [{ type: 'text', text: `[APPROVAL PENDING] ${text}` }], isError: true, _meta: { toolgate: { decision: 'approval', rule: decision.rule, approvalId: outcome.approvalId } } });
      }
      // A hold can last long enough for the policy to change (a reload, a drift hold): judge again.
      const now = decideSafely();
      if (now.kind === 'hidden' || now.kind === 'deny') {
        await outcome.release?.().catch((error: unknown) => deps.logger.error({ err: error, approval: outcome.approvalId }, 'could not give an approval back'));
        if (now.kind === 'deny') return deny(now);
        audit({ decision: 'deny', rule: now.rule, reason: now.reason }, 'not_sent');
        return wireError('UNKNOWN_TOOL', request.id, `Unknown tool: ${name}`);
      }
      return reserveAndForward(decision.rule, now.limits, 'approval', outcome);
    }
    case 'allow':
      return reserveAndForward(decision.rule, decision.limits, 'allow');
  }

  function deny(outcome: Extract<Outcome, { kind: 'deny' }>): JsonRpcResponse {
    audit({ decision: 'deny', rule: outcome.rule, reason: outcome.reason }, 'not_sent');
    return resultResponse(request.id, policyDeniedResult(outcome.reason, { decision: 'deny', rule: outcome.rule }));
  }

  async function reserveAndForward(rule: string, limits: readonly LimitRequest[], auditAs: 'allow' | 'approval', approved?: Extract<ApprovalOutcome, { kind: 'approved' }>): Promise<JsonRpcResponse> {
    // A call an approval let through: it stays approved when the call provably did not run.
    const giveBack = async (): Promise<void> => {
      await approved?.release?.().catch((error: unknown) => deps.logger.error({ err: error, approval: approved.approvalId }, 'could not give an approval back'));
    };
    const audit = (outcome: Pick<AuditEvent, 'decision' | 'rule' | 'reason'>, upstreamStatus: UpstreamStatus): void =>
      auditCall({ ...outcome, ...(approved ? { approvalId: approved.approvalId, decidedBy: approved.decidedBy } : {}) }, upstreamStatus);
    let reservation: Reservation | undefined;
    let uncounted = false;
    if (limits.length > 0) {
      const reserved = await deps.counters.reserve(limits).catch((error: unknown) => ({ kind: 'unavailable' as const, reason: (error as Error).message }));
      if (reserved.kind === 'unavailable' && !admitsFailOpen(deps.failMode, limits, deps.logger, { server: ctx.server, tool: String(name), reason: reserved.reason })) {
        await giveBack();
        deps.logger.error({ server: ctx.server, tool: name, reason: reserved.reason }, 'counter store unavailable; denying');
        return deny({ kind: 'deny', rule: 'state', reason: `the rate-limit store is unavailable, so this call cannot be judged (${reserved.reason})` });
      }
      if (reserved.kind === 'exceeded') {
        await giveBack();
        const limit = reserved.request;
        const reason = `rate limit ${limit.counter} reached (${limit.max} per ${describeWindow(limit)}); retry in ${Math.ceil(reserved.retryAfterMs / 1000)}s`;
        audit({ decision: 'rate_limited', rule: limit.rule, reason }, 'not_sent');
        return resultResponse(request.id, policyDeniedResult(reason, { decision: 'rate_limited', rule: limit.rule, retryAfterMs: reserved.retryAfterMs }));
      }
      if (reserved.kind === 'reserved') reservation = reserved.reservation;
      else uncounted = true; // the store was unavailable and failMode open let it through
    }
    const result = await ctx.forward(request);
    const settle = async (run: boolean): Promise<void> => {
      if (!reservation) return;
      const work = (run ? deps.counters.commit(reservation) : deps.counters.rollback(reservation)).catch((error: unknown) => {
        deps.logger.error({ err: error, server: ctx.server, tool: name }, 'counter commit/rollback failed');
      });
      // A rollback frees budget, so the answer waits for it. A commit changes no count (the
      // reservation already counts): the answer does not wait, and a stop waits for it instead.
      if (!run) return work;
      deps.inflight?.add(work);
      void work.finally(() => deps.inflight?.delete(work));
    };
    switch (result.kind) {
      case 'answered': {
        const response = result.response;
        const errored = isErrorResponse(response);
        const notRun = errored && NOT_RUN_CODES.has(response.error.code);
        await settle(!notRun);
        if (notRun) await giveBack();
        const status: UpstreamStatus = errored ? 'error' : response.result['isError'] === true ? 'tool_error' : 'ok';
        audit({ decision: auditAs, rule, ...(uncounted ? { reason: UNCOUNTED_REASON } : {}) }, status);
        return response;
      }
      case 'not_delivered':
        await settle(false);
        await giveBack();
        audit({ decision: auditAs, rule, reason: result.reason }, 'failed');
        return wireError('UPSTREAM_UNAVAILABLE', request.id, `Upstream unavailable: ${result.reason}`);
      case 'failed':
        await settle(true);
        audit({ decision: auditAs, rule, reason: result.reason }, 'failed');
        return wireError('UPSTREAM_CLOSED', request.id, `Upstream connection failed: ${result.reason}`);
      case 'timeout':
        await settle(true);
        audit({ decision: auditAs, rule, reason: `no answer within ${result.afterMs} ms` }, 'failed');
        return wireError('UPSTREAM_TIMEOUT', request.id, `Upstream timed out: no answer within ${result.afterMs} ms`);
    }
  }
}

function describeWindow(limit: LimitRequest): string {
  return limit.window.kind === 'calendar' ? limit.window.unit : `${limit.window.seconds}s`;
}

/** What a held call may do with its reply: progress (when the client sent a token), and stop
 *  holding when the client goes away or cancels the request. */
function approvalChannel(reply: ReplySink, meta: unknown, onCancel: CallContext['onCancel']): ApprovalChannel {
  const token = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)['progressToken'] : undefined;
  let cancelled = false;
  const listeners: Array<() => void> = [];
  const abort = (): void => {
    cancelled = true;
    listeners.splice(0).forEach((listener) => listener());
  };
  reply.onAbort(abort);
  onCancel?.(abort);
  return {
    ...(typeof token === 'string' || typeof token === 'number' ? { progressToken: token } : {}),
    send: (message) => reply.send(message),
    get closed() {
      return cancelled || reply.closed;
    },
    onAbort: (listener) => (cancelled ? listener() : void listeners.push(listener)),
  };
}
