// Where a call that needs a human's approval goes. The approval queue (its own issue) fills this
// in; until then `notConfiguredApprovals` denies such calls with a reason that says so.
import type { CallFacts } from '../policy/types.js';

export interface ApprovalRequest {
  facts: CallFacts;
  rule: string;
  reason: string;
  approvalTimeoutMs: number;
}

export type ApprovalOutcome =
  | { kind: 'approved'; approvalId: string; decidedBy: string }
  | { kind: 'denied'; approvalId?: string; reason: string }
  | { kind: 'pending'; approvalId: string }
  /** No approver can be reached: the call is denied by policy, not by a person. */
  | { kind: 'unavailable'; reason: string };

export interface ApprovalHook {
  request(request: ApprovalRequest): Promise<ApprovalOutcome>;
}

export const notConfiguredApprovals: ApprovalHook = {
  request: async (request) => ({
    kind: 'unavailable',
    reason: `${request.reason}; approval is required (${request.rule}) but approvals are not configured on this gateway`,
  }),
};
