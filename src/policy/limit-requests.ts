// Resolves a tool's limits for one call into `LimitRequest`s: whose budget (scope owner) and how
// much (1, or the number at `increment_from`). Key parts are concatenated ahead of time.
import type { CallFacts, LimitRequest, LimitRule, LimitScope, WindowSpec } from './types.js';
import { lookupArg, MISSING, toArgPath, type ArgPath } from './arg-path.js';
import { describeType } from './policy-issues.js';

export interface CompiledLimit {
  readonly rule: string;
  readonly counter: string;
  readonly window: WindowSpec;
  readonly max: number;
  readonly scope: LimitScope;
  /** `${server}\0${scope}\0`: the scope owner goes between `keyStart` and `keyEnd`. */
  readonly keyStart: string;
  /** `\0${counter}` */
  readonly keyEnd: string;
  /** The whole key when it does not depend on the call (`scope: "server"`). */
  readonly fixedKey: string | undefined;
  readonly amountPath: ArgPath | undefined;
  /** `args.amount`, for reasons. */
  readonly amountText: string | undefined;
  /** The amount must be a whole number (`integer: true`). */
  readonly integer: boolean;
}

/** A call whose `increment_from` value cannot be counted: it is denied. */
export interface BadAmount {
  readonly rule: string;
  readonly reason: string;
}

export function compileLimit(limit: LimitRule, server: string): CompiledLimit {
  const keyStart = `${server}\u0000${limit.scope}\u0000`;
  const keyEnd = `\u0000${limit.counter}`;
  const amountPath = limit.incrementFrom ? toArgPath(limit.incrementFrom) : undefined;
  return {
    rule: limit.rule,
    counter: limit.counter,
    window: limit.window,
    max: limit.max,
    scope: limit.scope,
    keyStart,
    keyEnd,
    fixedKey: limit.scope === 'server' ? `${keyStart}${keyEnd}` : undefined,
    amountPath,
    amountText: limit.incrementFrom ? ['args', ...limit.incrementFrom].join('.') : undefined,
    integer: limit.integer === true,
  };
}

/** Two limits of one call (the `"*"` entry's and the tool's) on the same budget count once. */
export function sameBudget(a: CompiledLimit, b: CompiledLimit): boolean {
  return a.keyStart === b.keyStart && a.keyEnd === b.keyEnd && a.amountText === b.amountText;
}

export function limitKey(limit: CompiledLimit, facts: CallFacts): string {
  if (limit.fixedKey !== undefined) return limit.fixedKey;
  // Stateless (2026-07-28) clients have no session: their session budget is their grant's.
  const owner = limit.scope === 'session' ? (facts.sessionId ?? facts.grantId) : facts.grantId;
  return limit.keyStart + owner + limit.keyEnd;
}

export function resolveLimitRequests(
  limits: readonly CompiledLimit[],
  facts: CallFacts,
): LimitRequest[] | BadAmount {
  const requests: LimitRequest[] = new Array<LimitRequest>(limits.length);
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i]!;
    let amount = 1;
    if (limit.amountPath !== undefined) {
      const value = lookupArg(facts.args, limit.amountPath);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return badAmount(limit, value);
      if (limit.integer && !Number.isInteger(value)) return badAmount(limit, value);
      amount = value;
    }
    const request: LimitRequest = {
      key: limitKey(limit, facts),
      counter: limit.counter,
      window: limit.window,
      max: limit.max,
      amount,
      rule: limit.rule,
    };
    if (limit.amountText !== undefined) request.incrementFrom = limit.amountText;
    requests[i] = request;
  }
  return requests;
}

function badAmount(limit: CompiledLimit, value: unknown): BadAmount {
  const found = value === MISSING ? 'missing' : describeType(value);
  const wanted = limit.integer ? 'a whole number ≥ 0' : 'a finite non-negative number';
  // A fraction where whole numbers are required is named as such: describeType says only "a number".
  const it = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? 'a fraction' : found;
  return {
    rule: `${limit.rule}.increment_from`,
    reason: `${limit.amountText} must be ${wanted} to count against "${limit.counter}", but it is ${it}`,
  };
}
