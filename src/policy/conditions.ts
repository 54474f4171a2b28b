// Compiles each policy condition into a predicate over a call's arguments, once, when the policy
// loads: regexes, paths and `in` sets are built here so that judging a call does no parsing.
import type { Condition } from './types.js';
import { lookupArg, MISSING, parseArgPath, type ArgPath } from './arg-path.js';

/** `unjudgeable`: a comparison met a value that is not a finite number; the call is denied. */
export type Verdict = 'holds' | 'fails' | 'unjudgeable';

export interface CompiledCondition {
  /** Where it stands in the file, e.g. `tools.send.require[1]`. */
  readonly rule: string;
  /** As written, e.g. `args.amount`. */
  readonly path: string;
  readonly argPath: ArgPath;
  /** Readable form for reasons, e.g. `args.amount lte 100`. */
  readonly text: string;
  evaluate(args: unknown): Verdict;
}

type Test = (value: unknown) => Verdict;

export function compileCondition(condition: Condition): CompiledCondition {
  const argPath = parseArgPath(condition.path);
  if (argPath === undefined) throw new Error(`invalid condition path ${condition.path}: validate the policy first`);
  const test = compileTest(condition);
  return {
    rule: condition.rule,
    path: condition.path,
    argPath,
    text: describeCondition(condition),
    evaluate: (args) => test(lookupArg(args, argPath)),
  };
}

function compileTest(condition: Condition): Test {
  const expected = condition.value;
  switch (condition.op) {
    case 'eq': {
      const equals = compileEquals(expected);
      return (value) => (value !== MISSING && equals(value) ? 'holds' : 'fails');
    }
    case 'neq': {
      const equals = compileEquals(expected);
      return (value) => (value === MISSING || !equals(value) ? 'holds' : 'fails');
    }
    case 'in': {
      const member = compileMembership(expected);
      return (value) => (value !== MISSING && member(value) ? 'holds' : 'fails');
    }
    case 'not_in': {
      const member = compileMembership(expected);
      return (value) => (value === MISSING || !member(value) ? 'holds' : 'fails');
    }
    case 'lt':
      return compileComparison(expected, (value, bound) => value < bound);
    case 'lte':
      return compileComparison(expected, (value, bound) => value <= bound);
    case 'gt':
      return compileComparison(expected, (value, bound) => value > bound);
    case 'gte':
      return compileComparison(expected, (value, bound) => value >= bound);
    case 'regex': {
      // No flags: a flagless RegExp keeps no state between calls (`g`/`y` would).
      const pattern = new RegExp(String(expected));
      return (value) => (typeof value === 'string' && pattern.test(value) ? 'holds' : 'fails');
    }
    case 'contains':
      return compileContains(expected);
    case 'exists': {
      const wanted = expected !== false;
      return (value) => ((value !== MISSING) === wanted ? 'holds' : 'fails');
    }
  }
}

function compileComparison(expected: unknown, compare: (value: number, bound: number) => boolean): Test {
  const bound = Number(expected);
  return (value) => {
    if (value === MISSING) return 'fails';
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'unjudgeable';
    return compare(value, bound) ? 'holds' : 'fails';
  };
}

function compileEquals(expected: unknown): (value: unknown) => boolean {
  if (isPrimitive(expected)) return (value) => value === expected;
  return (value) => jsonEqual(value, expected);
}

function compileMembership(expected: unknown): (value: unknown) => boolean {
  const items = Array.isArray(expected) ? expected : [];
  if (items.every(isPrimitive)) {
    const set = new Set<unknown>(items);
    return (value) => isPrimitive(value) && set.has(value);
  }
  return (value) => items.some((item) => jsonEqual(value, item));
}

function compileContains(expected: unknown): Test {
  const needle = typeof expected === 'string' ? expected : undefined;
  return (value) => {
    if (typeof value === 'string') return needle !== undefined && value.includes(needle) ? 'holds' : 'fails';
    if (Array.isArray(value)) return value.some((item) => jsonEqual(item, expected)) ? 'holds' : 'fails';
    return 'fails';
  };
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** Deep equality of JSON values: objects compare by key set (any order), arrays by position. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

const MAX_VALUE_TEXT = 60;

export function describeCondition(condition: Pick<Condition, 'path' | 'op' | 'value'>): string {
  if (condition.op === 'exists') {
    return condition.value === false ? `${condition.path} does not exist` : `${condition.path} exists`;
  }
  let value = JSON.stringify(condition.value) ?? String(condition.value);
  if (value.length > MAX_VALUE_TEXT) value = `${value.slice(0, MAX_VALUE_TEXT - 1)}…`;
  return `${condition.path} ${condition.op} ${value}`;
}
