// Pending approvals: the record a human decides on, and the store contract (SQLite, or Redis shared
// by replicas). Deciding and consuming are compare-and-set, so racing approvers or calls never both win.

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'used';

export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'denied', 'expired', 'used'];

export type ApprovalVerdict = 'approved' | 'denied';

export interface Approval {
  id: string;
  server: string;
  grantId: string;
  /** The grant's name when the approval was asked for (grants may be renamed or revoked later). */
  grantName?: string;
  sessionId?: string;
  tool: string;
  /** In full: an approver must see what they approve. The audit trail keeps only keys and a hash. */
  arguments: Record<string, unknown>;
  argsHash: string;
  /** The tool's risk class, when the catalog knows it. */
  riskClass?: string;
  /** The policy rule that asked for approval, and its reason. */
  rule: string;
  reason: string;
  createdAt: number;
  expiresAt: number;
  /** `pending` or `approved` past `expiresAt` reads as `expired`. `used`: an approved call ran. */
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: number;
  decisionReason?: string;
  /** When a call was given this approval's final answer (it ran, or was told denied/expired). */
  deliveredAt?: number;
}

/** What a caller gives to park a call: the approval's own facts, and how long it may wait. */
export type NewApproval = Pick<Approval, 'server' | 'grantId' | 'grantName' | 'sessionId' | 'tool' | 'arguments' | 'argsHash' | 'riskClass' | 'rule' | 'reason'> & {
  timeoutMs: number;
};

/** The approval every store creates for `input`: pending, expiring `timeoutMs` after `createdAt`. */
export function pendingApproval(id: string, input: NewApproval, createdAt: number): Approval {
  return {
    id,
    server: input.server,
    grantId: input.grantId,
    ...(input.grantName !== undefined ? { grantName: input.grantName } : {}),
    ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
    tool: input.tool,
    arguments: input.arguments,
    argsHash: input.argsHash,
    ...(input.riskClass !== undefined ? { riskClass: input.riskClass } : {}),
    rule: input.rule,
    reason: input.reason,
    createdAt,
    expiresAt: createdAt + input.timeoutMs,
    status: 'pending',
  };
}

/** What an approval is for: the same grant, server, tool and arguments. */
export interface ApprovalKey {
  grantId: string;
  server: string;
  tool: string;
  argsHash: string;
}

export type DecideResult =
  | { kind: 'decided'; approval: Approval }
  | { kind: 'not_found' }
  /** Someone decided first, or it expired: `approval.status` says which. */
  | { kind: 'already_decided'; approval: Approval };

/** What `list` returns when no limit is given. */
export const DEFAULT_APPROVAL_LIST_LIMIT = 100;

export interface ApprovalFilter {
  status?: ApprovalStatus;
  limit?: number;
}

export interface ApprovalStore {
  create(input: NewApproval): Promise<Approval>;
  get(id: string): Promise<Approval | undefined>;
  /** Newest first. */
  list(filter?: ApprovalFilter): Promise<Approval[]>;
  /** The newest approval for this key whose answer no call has received yet. */
  findOpen(key: ApprovalKey): Promise<Approval | undefined>;
  /** pending → approved|denied, only while pending and unexpired. */
  decide(id: string, verdict: ApprovalVerdict, decidedBy: string, reason?: string): Promise<DecideResult>;
  /** approved → used, only while unexpired; false when another call took it first. */
  consume(id: string): Promise<boolean>;
  /** used → approved: the approved call provably did not run (e.g. rate-limited), so it may retry. */
  release(id: string): Promise<void>;
  /** A call was told this approval was denied or expired: the next call asks anew. */
  markDelivered(id: string): Promise<void>;
}

/** Tells a process at once that approvals were decided elsewhere (a shared store's pub/sub). */
export interface DecisionFeed {
  /** `decided(id)`: that approval left `pending`. `resync()`: notices may have been lost; re-read. */
  subscribe(listener: DecisionListener): () => void;
}

export interface DecisionListener {
  decided(id: string): void;
  resync(): void;
}
