// Validates `require`, `deny_if` and `approve_if` lists into `Condition`s, reporting every
// problem with its path. Compiling them into predicates is `conditions.ts`'s job.
import type { Condition, ConditionOp } from './types.js';
import { parseArgPath } from './arg-path.js';
import { checkKeys, indexPath, keyPath, type IssueCollector } from './policy-issues.js';
import { isObject } from '../lib/is-object.js';

export const CONDITION_OPS: readonly ConditionOp[] = [
  'eq',
  'neq',
  'in',
  'not_in',
  'lt',
  'lte',
  'gt',
  'gte',
  'regex',
  'contains',
  'exists',
];

const CONDITION_KEYS = ['path', 'op', 'value'];

export const ARG_PATH_MESSAGE =
  'must be "args" or start with "args." followed by a dot path into the call\'s arguments, e.g. "args.amount"';

export function validateConditionList(raw: unknown, path: string, issues: IssueCollector): Condition[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.error(path, 'must be an array of conditions like {"path": "args.amount", "op": "lte", "value": 100}');
    return [];
  }
  const conditions: Condition[] = [];
  raw.forEach((item, index) => {
    const condition = validateCondition(item, indexPath(path, index), issues);
    if (condition) conditions.push(condition);
  });
  return conditions;
}

function validateCondition(raw: unknown, path: string, issues: IssueCollector): Condition | undefined {
  if (!isObject(raw)) {
    issues.error(path, 'must be an object with "path", "op" and "value"');
    return undefined;
  }
  checkKeys(raw, CONDITION_KEYS, path, issues);
  const argPath = validateArgPathField(raw['path'], keyPath(path, 'path'), issues);
  const op = validateOp(raw['op'], keyPath(path, 'op'), issues);
  const value = op === undefined ? undefined : validateValue(op, raw, keyPath(path, 'value'), issues);
  if (argPath === undefined || op === undefined || value === INVALID) return undefined;
  return { path: argPath, op, value, rule: path };
}

function validateArgPathField(raw: unknown, path: string, issues: IssueCollector): string | undefined {
  if (raw === undefined) {
    issues.error(path, `required; ${ARG_PATH_MESSAGE}`);
    return undefined;
  }
  if (typeof raw !== 'string' || parseArgPath(raw) === undefined) {
    issues.error(path, ARG_PATH_MESSAGE);
    return undefined;
  }
  return raw;
}

function validateOp(raw: unknown, path: string, issues: IssueCollector): ConditionOp | undefined {
  if (typeof raw === 'string' && (CONDITION_OPS as readonly string[]).includes(raw)) return raw as ConditionOp;
  const prefix = raw === undefined ? 'required; ' : '';
  issues.error(path, `${prefix}must be one of ${CONDITION_OPS.join(', ')}`);
  return undefined;
}

const INVALID = Symbol('invalid');

function validateValue(
  op: ConditionOp,
  condition: Record<string, unknown>,
  path: string,
  issues: IssueCollector,
): unknown {
  const present = Object.hasOwn(condition, 'value');
  const value = condition['value'];
  if (op === 'exists') {
    if (!present) return true;
    if (typeof value === 'boolean') return value;
    issues.error(path, 'must be true or false for op "exists" (true when omitted)');
    return INVALID;
  }
  if (!present || value === undefined) {
    issues.error(path, `required for op "${op}"`);
    return INVALID;
  }
  const problem = valueProblem(op, value);
  if (problem === undefined) return value;
  issues.error(path, problem);
  return INVALID;
}

function valueProblem(op: ConditionOp, value: unknown): string | undefined {
  switch (op) {
    case 'in':
    case 'not_in':
      return Array.isArray(value) ? undefined : `must be an array for op "${op}"`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a finite number for op "${op}"`;
    case 'regex':
      return regexProblem(value);
    default:
      return undefined;
  }
}

function regexProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string (a JavaScript regular expression) for op "regex"';
  try {
    new RegExp(value);
    return undefined;
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}
