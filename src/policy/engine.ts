// The policy engine: decides one `tools/call` from the compiled policy alone. Pure — no I/O, no
// clock; counters are reserved later by the gateway from the `LimitRequest`s it returns.
import type { CallFacts, Decision, Policy, ToolClass } from './types.js';
import type { CompiledCondition, Verdict } from './conditions.js';
import { lookupArg } from './arg-path.js';
import { resolveLimitRequests } from './limit-requests.js';
import { describeType } from './policy-issues.js';
import { compileToolPlan, type ToolPlan } from './tool-plan.js';

export interface PolicyEngine {
  decide(facts: CallFacts): Decision;
  /** Hidden tools are removed from `tools/list` and answered as unknown tools. */
  isHidden(toolName: string): boolean;
}

const MAX_CLASS_PLANS = 10_000;

export function createPolicyEngine(policy: Policy, serverName: string): PolicyEngine {
  const star = Object.hasOwn(policy.tools, '*') ? policy.tools['*'] : undefined;
  const plans = new Map<string, ToolPlan>();
  for (const [tool, entry] of Object.entries(policy.tools)) {
    if (tool !== '*') plans.set(tool, compileToolPlan(tool, entry, star, serverName));
  }
  // `"*"` never rescues a tool that `default: deny` rejects: unlisted tools get a plan only under allow.
  const unlisted = policy.default === 'allow' ? compileToolPlan(undefined, undefined, star, serverName) : undefined;
  const hidden = new Set(policy.hide);
  const hideUnlisted = hidden.has('*');
  // Class plans are compiled on first use, per tool: the catalog, not the policy, knows the tools.
  const classPlans = new Map<string, ToolPlan>();
  const classPlan = (tool: string, toolClass: ToolClass): ToolPlan | undefined => {
    const entry = policy.classes?.[toolClass];
    if (entry === undefined) return undefined;
    const key = `${toolClass}\u0000${tool}`;
    let plan = classPlans.get(key);
    if (plan === undefined) {
      // Bounded: tool names come from the servers' listings, but a plan is cheap to rebuild.
      if (classPlans.size >= MAX_CLASS_PLANS) classPlans.clear();
      plan = compileToolPlan(tool, undefined, star, serverName, { name: toolClass, entry });
      classPlans.set(key, plan);
    }
    return plan;
  };

  const isHidden = (tool: string): boolean => hidden.has(tool) || (hideUnlisted && !plans.has(tool));

  return {
    isHidden,
    decide(facts) {
      const tool = facts.tool;
      if (isHidden(tool)) return { kind: 'hidden', rule: 'hide', reason: `tool "${tool}" is hidden by this server's policy` };
      // A tool's own entry wins; else its class's entry (also under `default: deny`); else the default.
      const plan = plans.get(tool) ?? (facts.toolClass === undefined ? undefined : classPlan(tool, facts.toolClass)) ?? unlisted;
      if (plan === undefined) {
        return { kind: 'deny', rule: 'default', reason: `tool "${tool}" is not allowed by this server's policy` };
      }
      return runPlan(plan, facts);
    },
  };
}

/** Precedence, first match wins: action deny → require/deny_if → unjudgeable → bad amount → approval → allow. */
function runPlan(plan: ToolPlan, facts: CallFacts): Decision {
  if (plan.deny !== undefined) {
    return { kind: 'deny', rule: plan.deny.rule, reason: plan.deny.reason ?? `tool "${facts.tool}" is denied by this server's policy` };
  }
  const args = facts.args;
  // Every condition is evaluated even when an earlier one decides nothing: an unjudgeable value in
  // any list denies the call (fail closed), unless a require or deny_if already denied it.
  let unjudged: CompiledCondition | undefined;
  for (let i = 0; i < plan.requires.length; i++) {
    const step = plan.requires[i]!;
    const verdict = step.condition.evaluate(args);
    if (verdict === 'fails') return { kind: 'deny', rule: step.condition.rule, reason: step.reason };
    if (verdict === 'unjudgeable' && unjudged === undefined) unjudged = step.condition;
  }
  for (let i = 0; i < plan.denyIfs.length; i++) {
    const group = plan.denyIfs[i]!;
    const verdict = evaluateAll(group.conditions, args);
    if (verdict === 'holds') return { kind: 'deny', rule: group.rule, reason: group.reason };
    if (verdict !== 'fails' && unjudged === undefined) unjudged = verdict;
  }
  let approval: ToolPlan['approvals'][number] | undefined;
  for (let i = 0; i < plan.approvals.length; i++) {
    const step = plan.approvals[i]!;
    const verdict = evaluateAll(step.conditions, args);
    if (verdict === 'holds') approval ??= step;
    else if (verdict !== 'fails' && unjudged === undefined) unjudged = verdict;
  }
  if (unjudged !== undefined) return unjudgeable(unjudged, args);
  if (approval !== undefined) return approvalDecision(plan, approval, facts);
  return allowDecision(plan, facts);
}

/** 'holds' when all hold, 'fails' when one fails, else the first condition that could not be judged. */
function evaluateAll(conditions: readonly CompiledCondition[], args: unknown): 'holds' | 'fails' | CompiledCondition {
  let result: 'holds' | 'fails' | CompiledCondition = 'holds';
  for (let i = 0; i < conditions.length; i++) {
    const condition = conditions[i]!;
    const verdict: Verdict = condition.evaluate(args);
    if (verdict === 'unjudgeable') {
      if (typeof result === 'string') result = condition;
    } else if (verdict === 'fails' && result === 'holds') {
      result = 'fails';
    }
  }
  return result;
}

function unjudgeable(condition: CompiledCondition, args: unknown): Decision {
  // Only a present value is unjudgeable (a missing one makes a comparison false).
  const found = describeType(lookupArg(args, condition.argPath));
  return {
    kind: 'deny',
    rule: condition.rule,
    reason: `cannot judge ${condition.text}: ${condition.path} is ${found}, not ${condition.expects}`,
  };
}

function approvalDecision(plan: ToolPlan, step: ToolPlan['approvals'][number], facts: CallFacts): Decision {
  const limits = resolveLimitRequests(plan.limits, facts);
  if (!Array.isArray(limits)) return { kind: 'deny', rule: limits.rule, reason: limits.reason };
  return {
    kind: 'approval',
    rule: step.rule,
    reason: step.reason ?? `tool "${facts.tool}" requires approval`,
    approvalTimeoutMs: step.timeoutMs,
    limits,
    ...(facts.toolClass !== undefined ? { toolClass: facts.toolClass } : {}),
  };
}

/** Most calls come from the agent that made the previous one: when the decision cannot depend on
 *  the arguments, the last one is reused (frozen), so the hot path allocates nothing. */
function allowDecision(plan: ToolPlan, facts: CallFacts): Decision {
  const memo = plan.memo;
  if (memo !== undefined && memo.grantId === facts.grantId && memo.sessionId === facts.sessionId) return memo.decision;
  const limits = resolveLimitRequests(plan.limits, facts);
  if (!Array.isArray(limits)) return { kind: 'deny', rule: limits.rule, reason: limits.reason };
  if (!plan.amountFree) return { kind: 'allow', rule: plan.allowRule, limits };
  for (const request of limits) Object.freeze(request);
  const decision: Decision = Object.freeze({ kind: 'allow', rule: plan.allowRule, limits: Object.freeze(limits) });
  plan.memo = { grantId: facts.grantId, sessionId: facts.sessionId, decision };
  return decision;
}
