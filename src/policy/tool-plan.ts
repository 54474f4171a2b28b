// Precompiles, per tool, everything the engine checks on a call: the `"*"` entry's steps followed
// by the tool's own (or its class's), with conditions compiled and reasons written, so `decide`
// only walks arrays.
import type { Decision, LimitRule, ToolClass, ToolEntry } from './types.js';
import { compileCondition, type CompiledCondition } from './conditions.js';
import { compileLimit, sameBudget, type CompiledLimit } from './limit-requests.js';
import { keyPath } from './policy-issues.js';

export interface DenyStep {
  readonly rule: string;
  /** The entry's own `reason`; absent: the engine names the tool. */
  readonly reason: string | undefined;
}

/** `deny_if` (deny when all hold) or `approve_if` (approval when all hold) of one entry. */
export interface ConditionGroup {
  readonly rule: string;
  readonly conditions: readonly CompiledCondition[];
  readonly reason: string;
}

export interface RequireStep {
  readonly condition: CompiledCondition;
  readonly reason: string;
}

export interface ApprovalStep {
  readonly rule: string;
  /** Empty for `action: require_approval`: it always holds. */
  readonly conditions: readonly CompiledCondition[];
  /** Absent for `action: require_approval` without a `reason`: the engine names the tool. */
  readonly reason: string | undefined;
  readonly timeoutMs: number;
}

export interface ToolPlan {
  readonly deny: DenyStep | undefined;
  readonly requires: readonly RequireStep[];
  readonly denyIfs: readonly ConditionGroup[];
  readonly approvals: readonly ApprovalStep[];
  readonly limits: readonly CompiledLimit[];
  readonly allowRule: string;
  /** True when no limit reads the arguments: the allow decision depends only on grant and session. */
  readonly amountFree: boolean;
  /** A one-entry memo of the last allow decision (see engine.ts): the same agent calls repeatedly. */
  memo: { grantId: string; sessionId: string | undefined; decision: Decision } | undefined;
}

interface PlanPart {
  entry: ToolEntry;
  path: string;
}

/** A tool with no entry of its own, judged by its class's entry (`classes.<name>`). */
export interface ClassPart {
  name: ToolClass;
  entry: ToolEntry;
}

/** `tool` is undefined for the plan of tools not listed (used under `default: allow`). `own` is the
 *  tool's entry, or else its class's (`byClass`): never both. */
export function compileToolPlan(
  tool: string | undefined,
  own: ToolEntry | undefined,
  star: ToolEntry | undefined,
  server: string,
  byClass?: ClassPart,
): ToolPlan {
  const parts: PlanPart[] = [];
  if (star) parts.push({ entry: star, path: keyPath('tools', '*') });
  if (own && tool !== undefined) parts.push({ entry: own, path: keyPath('tools', tool) });
  else if (byClass && tool !== undefined) parts.push({ entry: forTool(byClass.entry, tool), path: keyPath('classes', byClass.name) });
  const denying = parts.find((part) => part.entry.action === 'deny');
  return {
    deny: denying && { rule: `${denying.path}.action`, reason: denying.entry.reason },
    requires: parts.flatMap(requireSteps),
    denyIfs: parts.flatMap((part) => conditionGroup(part, 'deny_if', part.entry.denyIf)),
    approvals: parts.flatMap(approvalSteps),
    limits: compileLimits(parts, server),
    allowRule: tool === undefined ? 'default' : own ? keyPath('tools', tool) : byClass ? keyPath('classes', byClass.name) : keyPath('tools', tool),
    amountFree: parts.every((part) => part.entry.limits.every((limit) => limit.incrementFrom === undefined)),
    memo: undefined,
  };
}

function requireSteps(part: PlanPart): RequireStep[] {
  return part.entry.require.map((condition) => {
    const compiled = compileCondition(condition);
    return { condition: compiled, reason: part.entry.reason ?? `this call requires ${compiled.text}` };
  });
}

function conditionGroup(part: PlanPart, list: 'deny_if' | 'approve_if', raw: ToolEntry['denyIf']): ConditionGroup[] {
  // An empty list would "all hold" for every call: it is treated as absent instead.
  if (raw.length === 0) return [];
  const conditions = raw.map(compileCondition);
  const when = conditions.map((condition) => condition.text).join(' and ');
  const fallback = list === 'deny_if' ? `this call is denied when ${when}` : `this call needs approval when ${when}`;
  return [
    {
      // One condition is named exactly (`tools.x.deny_if[0]`); several fire together, so the list is named.
      rule: conditions.length === 1 ? conditions[0]!.rule : `${part.path}.${list}`,
      conditions,
      reason: part.entry.reason ?? fallback,
    },
  ];
}

function approvalSteps(part: PlanPart): ApprovalStep[] {
  const steps: ApprovalStep[] = [];
  const timeoutMs = part.entry.approvalTimeoutMs;
  if (part.entry.action === 'require_approval') {
    steps.push({ rule: `${part.path}.action`, conditions: [], reason: part.entry.reason, timeoutMs });
  }
  for (const group of conditionGroup(part, 'approve_if', part.entry.approveIf)) {
    steps.push({ rule: group.rule, conditions: group.conditions, reason: group.reason, timeoutMs });
  }
  return steps;
}

function compileLimits(parts: readonly PlanPart[], server: string): CompiledLimit[] {
  const limits: CompiledLimit[] = [];
  for (const part of parts) {
    for (const limit of part.entry.limits) {
      const compiled = compileLimit(limit, server);
      // The same budget listed under "*" and the tool is one budget: reserve it once per call.
      if (!limits.some((existing) => sameBudget(existing, compiled))) limits.push(compiled);
    }
  }
  return limits;
}

/** A class entry's per-tool `rate_limit` counts on the tool's own counter, `<tool>__rate_limit`. */
function forTool(entry: ToolEntry, tool: string): ToolEntry {
  if (!entry.limits.some((limit) => limit.perTool)) return entry;
  const limits = entry.limits.map((limit): LimitRule => (limit.perTool ? { ...limit, counter: `${tool}__rate_limit` } : limit));
  return { ...entry, limits };
}
