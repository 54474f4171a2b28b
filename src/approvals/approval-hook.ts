// Where a call that needs a human's approval goes: the pipeline asks the hook and acts on its
// outcome. `createApprovalQueue` is the real hook; `notConfiguredApprovals` denies such calls.
import type { CallFacts } from '../policy/types.js';
import type { JsonRpcNotification } from '../protocol/jsonrpc.js';

/** The held call's way back to its client, while it waits. */
export interface ApprovalChannel {
  /** The client's `_meta.progressToken`, when it sent one: progress keeps its request alive. */
  progressToken?: string | number;
  /** Sends a notification tied to the held request (e.g. progress). */
  send(message: JsonRpcNotification): void;
  /** True once the client went away (or the request was answered). */
  readonly closed: boolean;
  onAbort(listener: () => void): void;
}

export interface ApprovalRequest {
  facts: CallFacts;
  rule: string;
  reason: string;
  approvalTimeoutMs: number;
  /** The tool's risk class, when the catalog knows it (shown to approvers). */
  riskClass?: string;
  channel?: ApprovalChannel;
}

export type ApprovalOutcome =
  | {
      kind: 'approved';
      approvalId: string;
      decidedBy: string;
      /** The approved call provably did not run (e.g. rate-limited): it may use the approval later. */
      release?(): Promise<void>;
    }
  | { kind: 'denied'; approvalId?: string; reason: string }
  | { kind: 'pending'; approvalId: string; expiresAt?: number }
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
