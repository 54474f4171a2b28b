// The policy after validation: what the engine reads. The raw file format is in docs/policy.md;
// `validate-policy.ts` turns a valid document into this shape.

export type CalendarUnit = 'second' | 'minute' | 'hour' | 'day';

export type WindowSpec =
  | { kind: 'calendar'; unit: CalendarUnit }
  | { kind: 'sliding'; seconds: number };

export type LimitScope = 'grant' | 'session' | 'server';

export interface LimitRule {
  /** Counter name; the same name on several tools is one shared budget. */
  counter: string;
  window: WindowSpec;
  max: number;
  scope: LimitScope;
  /** `increment_from: "args.amount"` as path segments below `args` (`["amount"]`); absent: count 1. */
  incrementFrom?: readonly string[];
  /** `integer: true` (with `increment_from`): the amount must be a whole number. */
  integer?: boolean;
  /** Where the rule stands in the file, e.g. `tools.send.limits[0]`. */
  rule: string;
  /** A class entry's `rate_limit`: each tool of the class counts on its own `<tool>__rate_limit`. */
  perTool?: boolean;
}

export type ConditionOp =
  | 'eq'
  | 'neq'
  | 'in'
  | 'not_in'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'regex'
  | 'contains'
  | 'exists';

export interface Condition {
  /** As written, e.g. `args.metadata.key`. */
  path: string;
  op: ConditionOp;
  value: unknown;
  /** Where the condition stands in the file, e.g. `tools.send.require[1]`. */
  rule: string;
}

export type ToolAction = 'allow' | 'deny' | 'require_approval';

export interface ToolEntry {
  action: ToolAction;
  reason?: string;
  limits: readonly LimitRule[];
  require: readonly Condition[];
  denyIf: readonly Condition[];
  approveIf: readonly Condition[];
  approvalTimeoutMs: number;
}

/** The effect classes of the catalog (`classes.<class>` entries; `CallFacts.toolClass`). */
export type ToolClass = 'read' | 'write' | 'execute' | 'destructive' | 'financial';

export const TOOL_CLASSES: readonly ToolClass[] = ['read', 'write', 'execute', 'destructive', 'financial'];

/** What the gateway does with a tool whose definition changed, or that is new: `block` holds it
 *  (hidden and refused) until an operator accepts it. */
export type DriftAction = 'allow' | 'block';

export interface Policy {
  version: '1';
  default: 'allow' | 'deny';
  /** Tool names removed from `tools/list`; `"*"` hides every tool not listed under `tools`. */
  hide: readonly string[];
  tools: Readonly<Record<string, ToolEntry>>;
  /** Entries by class, for tools that have no entry of their own. Absent: none. */
  classes?: Readonly<Partial<Record<ToolClass, ToolEntry>>>;
  /** `on_change`; absent: `allow`. */
  onChange?: DriftAction;
  /** `on_new`; absent: `allow`. */
  onNew?: DriftAction;
}

/** What the engine knows of one `tools/call`. */
export interface CallFacts {
  server: string;
  tool: string;
  args: Readonly<Record<string, unknown>>;
  grantId: string;
  /** Absent for stateless (2026-07-28) clients: `scope: "session"` then counts per grant. */
  sessionId?: string;
  /** The tool's class from the gateway's catalog; absent: not classified yet (only `default` applies). */
  toolClass?: ToolClass;
}

/** One counter a call must reserve: the engine resolves scope and amount, the store counts. */
export interface LimitRequest {
  /** Unique key of the counted budget: server, scope, scope owner and counter name. */
  key: string;
  counter: string;
  window: WindowSpec;
  max: number;
  amount: number;
  rule: string;
  /** Set when the amount comes from an argument (`increment_from`, e.g. `args.amount`): a spend cap,
   *  which always fails closed. Absent: a pure rate limit counting 1 per call. */
  incrementFrom?: string;
}

export type Decision =
  | { kind: 'allow'; rule: string; limits: readonly LimitRequest[] }
  | { kind: 'deny'; rule: string; reason: string }
  /** A hidden tool: answered as an unknown tool, audited as a denial. */
  | { kind: 'hidden'; rule: string; reason: string }
  | {
      kind: 'approval';
      rule: string;
      reason: string;
      approvalTimeoutMs: number;
      limits: readonly LimitRequest[];
      /** The tool's class from the catalog, when known: shown to approvers as the risk class. */
      toolClass?: ToolClass;
    };

/** A decision after counters were consulted: what the agent is told. */
export type Outcome =
  | Decision
  | { kind: 'rate_limited'; rule: string; reason: string; retryAfterMs: number };
