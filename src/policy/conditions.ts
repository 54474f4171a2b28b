// Compiles each policy condition into a predicate over a call's arguments, once, when the policy
// loads: regexes, paths and `in` sets are built here so that judging a call does no parsing.
import type { Condition } from './types.js';
import { lookupArg, MISSING, parseArgPath, type ArgPath } from './arg-path.js';

/** `unjudgeable`: the value's type does not fit the operator (e.g. a string for `lt`, an array for
 *  `regex`, an object for `eq "prod"`); the call is denied whichever list the condition is in. */
export type Verdict = 'holds' | 'fails' | 'unjudgeable';

export interface CompiledCondition {
  /** Where it stands in the file, e.g. `tools.send.require[1]`. */
  readonly rule: string;
  /** As written, e.g. `args.amount`. */
  readonly path: string;
  readonly argPath: ArgPath;
  /** Readable form for reasons, e.g. `args.amount lte 100`. */
  readonly text: string;
  /** What an unjudgeable value should have been, for the denial's reason. */
  readonly expects: string;
  evaluate(args: unknown): Verdict;
}

const EXPECTS: Record<Condition['op'], string> = {
  eq: 'a string, number, boolean or null',
  neq: 'a string, number, boolean or null',
  in: 'a string, number, boolean or null',
  not_in: 'a string, number, boolean or null',
  lt: 'a finite number',
  lte: 'a finite number',
  gt: 'a finite number',
  gte: 'a finite number',
  regex: 'a string',
  contains: 'a string or an array',
  exists: 'anything',
};

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
    expects: EXPECTS[condition.op],
    evaluate: (args) => test(lookupArg(args, argPath)),
  };
}

function compileTest(condition: Condition): Test {
  const expected = condition.value;
  switch (condition.op) {
    case 'eq': {
      const equals = compileEquals(expected);
      const judge = shapeGuard(isPrimitive(expected));
      return (value) => (value === MISSING ? 'fails' : (judge(value) ?? (equals(value) ? 'holds' : 'fails')));
    }
    case 'neq': {
      const equals = compileEquals(expected);
      const judge = shapeGuard(isPrimitive(expected));
      return (value) => (value === MISSING ? 'holds' : (judge(value) ?? (equals(value) ? 'fails' : 'holds')));
    }
    case 'in': {
      const member = compileMembership(expected);
      const judge = shapeGuard(Array.isArray(expected) && expected.every(isPrimitive));
      return (value) => (value === MISSING ? 'fails' : (judge(value) ?? (member(value) ? 'holds' : 'fails')));
    }
    case 'not_in': {
      const member = compileMembership(expected);
      const judge = shapeGuard(Array.isArray(expected) && expected.every(isPrimitive));
      return (value) => (value === MISSING ? 'holds' : (judge(value) ?? (member(value) ? 'fails' : 'holds')));
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
      // A present value that is not a string cannot be matched: deny rather than let `["rm -rf /"]` pass.
      return (value) => (value === MISSING ? 'fails' : typeof value !== 'string' ? 'unjudgeable' : pattern.test(value) ? 'holds' : 'fails');
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
    return value === MISSING ? 'fails' : 'unjudgeable';
  };
}

/**
 * When the policy compares against primitives, a present argument that is an array or an object
 * cannot be judged (`{"env": ["prod"]}` against `in ["prod"]`): the call is denied, never let through.
 */
function shapeGuard(expectsPrimitive: boolean): (value: unknown) => Verdict | undefined {
  if (!expectsPrimitive) return () => undefined;
  return (value) => (isPrimitive(value) ? undefined : 'unjudgeable');
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
