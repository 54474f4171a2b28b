// A human's decision on an approval, with its audit event: shared by the CLI (another process),
// the admin API and the queue, so every decision is recorded the same way.
import type { AuditEvent, AuditSink } from '../audit/audit-sink.js';
import type { Clock } from '../lib/clock.js';
import type { Approval, ApprovalStore, ApprovalVerdict, DecideResult } from './approval-store.js';

export interface DecisionInput {
  id: string;
  verdict: ApprovalVerdict;
  decidedBy: string;
  reason?: string;
}

export async function decideApproval(store: ApprovalStore, audit: AuditSink, clock: Clock, input: DecisionInput): Promise<DecideResult> {
  const result = await store.decide(input.id, input.verdict, input.decidedBy, input.reason);
  if (result.kind === 'decided') audit.record(decisionEvent(result.approval, clock.now()));
  return result;
}

/** The audit event of a decision: who decided what, about which call. */
export function decisionEvent(approval: Approval, time: number): AuditEvent {
  return {
    ...approvalEventBase(approval, time),
    reason: describeDecision(approval),
    decidedBy: approval.decidedBy ?? 'unknown',
  };
}

/** The fields every approval audit event shares: the call it is about, keys and hash only. */
export function approvalEventBase(approval: Approval, time: number): AuditEvent {
  return {
    time,
    server: approval.server,
    grantId: approval.grantId,
    ...(approval.sessionId ? { sessionId: approval.sessionId } : {}),
    tool: approval.tool,
    decision: 'approval',
    rule: approval.rule,
    argKeys: Object.keys(approval.arguments),
    argHash: approval.argsHash,
    upstreamStatus: 'not_sent',
    approvalId: approval.id,
  };
}

/** "approved by alice" / "denied by bob: not during the freeze". */
export function describeDecision(approval: Approval): string {
  const verdict = approval.status === 'denied' ? 'denied' : 'approved';
  const by = `${verdict} by ${approval.decidedBy ?? 'unknown'}`;
  return approval.decisionReason ? `${by}: ${approval.decisionReason}` : by;
}

/** Why a decide call did not decide, in words for an operator. */
export function describeUndecided(id: string, result: Exclude<DecideResult, { kind: 'decided' }>): string {
  if (result.kind === 'not_found') return `no approval with id "${id}"`;
  const approval = result.approval;
  switch (approval.status) {
    case 'expired':
      return `approval ${id} has expired (at ${new Date(approval.expiresAt).toISOString()})${approval.decidedBy ? `; it was ${describeDecision(approval)}` : ''}`;
    case 'used':
      return `approval ${id} was already ${describeDecision(approval)}, and the call has run`;
    default:
      return `approval ${id} was already ${describeDecision(approval)}`;
  }
}
