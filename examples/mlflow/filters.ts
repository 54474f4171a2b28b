// A subset of MLflow's search syntax for filter strings and order_by clauses. Supported: comparisons
// joined with AND, e.g. `name LIKE 'fraud%' AND tags.owner = 'risk-ml' AND metrics.auc > 0.9`, on
// `metrics.x`, `params.x`, `tags.x`, `attributes.x` or a bare attribute name (backticks quote keys
// such as metrics.`val/loss`), with = != < <= > >= LIKE ILIKE. Not supported, and refused with a
// message saying so: OR, NOT, IN, IS NULL, parentheses.
import { ArgumentError } from './args.js';

export type FieldKind = 'metric' | 'param' | 'tag' | 'attribute';
export interface Field {
  kind: FieldKind;
  key: string;
}
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE';
export interface Clause {
  field: Field;
  op: Operator;
  value: string | number;
}
export interface OrderBy {
  field: Field;
  ascending: boolean;
}
// What an entity can be filtered on: which prefixes, and which attribute names.
export interface FieldSpec {
  kinds: readonly FieldKind[];
  attributes: readonly string[];
}
export type FieldLookup<T> = (item: T, field: Field) => string | number | undefined;

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'number'; value: number } | { kind: 'symbol'; text: string };

const SUPPORTED =
  "supported: comparisons joined with AND, such as name LIKE 'x%', tags.k = 'v', params.p = 'v', metrics.m > 0.9 " +
  '(operators = != < <= > >= LIKE ILIKE); OR, NOT, IN, IS NULL and parentheses are not supported by this demo server';
const PREFIXES: Record<string, FieldKind> = {
  metric: 'metric', metrics: 'metric', param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag', attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
};
const UNSUPPORTED_WORDS = new Set(['OR', 'NOT', 'IN', 'IS', 'NULL', 'BETWEEN']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w.`])|((?:[A-Za-z_][\w.-]*|`[^`]*`)(?:\.?(?:[\w.-]+|`[^`]*`))*)|(<=|>=|!=|<>|==|=|<|>|\(|\)|,))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw new ArgumentError(`cannot parse "${text.slice(index).trim()}" in "${text}"; ${SUPPORTED}`);
    index = pattern.lastIndex;
    const [, single, double, number, word, symbol] = match;
    if (single !== undefined || double !== undefined) tokens.push({ kind: 'string', text: single ?? double ?? '' });
    else if (number !== undefined) tokens.push({ kind: 'number', value: Number(number) });
    else if (word !== undefined) tokens.push({ kind: 'word', text: word });
    else tokens.push({ kind: 'symbol', text: symbol ?? '' });
  }
  return tokens;
}

export function parseField(raw: string, spec: FieldSpec, source: string): Field {
  const unquote = (key: string): string => (key.startsWith('`') && key.endsWith('`') ? key.slice(1, -1) : key);
  const dot = raw.startsWith('`') ? -1 : raw.indexOf('.');
  const prefix = dot > 0 ? PREFIXES[raw.slice(0, dot).toLowerCase()] : undefined;
  const field: Field = prefix ? { kind: prefix, key: unquote(raw.slice(dot + 1)) } : { kind: 'attribute', key: unquote(raw) };
  if (!spec.kinds.includes(field.kind)) {
    throw new ArgumentError(`'${raw}' in "${source}": ${field.kind} fields cannot be used here (use ${describeSpec(spec)})`);
  }
  if (field.kind === 'attribute' && !spec.attributes.includes(field.key)) {
    throw new ArgumentError(`unknown field '${raw}' in "${source}" (use ${describeSpec(spec)})`);
  }
  if (field.key === '') throw new ArgumentError(`empty key in '${raw}' in "${source}"`);
  return field;
}

function describeSpec(spec: FieldSpec): string {
  const prefixes = spec.kinds.filter((k) => k !== 'attribute').map((k) => `${k === 'param' ? 'params' : `${k}s`}.<key>`);
  return [...spec.attributes, ...prefixes].join(', ');
}

function parseOperator(token: Token | undefined, source: string): Operator {
  if (token?.kind === 'symbol' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
    if (token.text === '==') return '=';
    return token.text === '<>' ? '!=' : (token.text as Operator);
  }
  const word = token?.kind === 'word' ? token.text.toUpperCase() : '';
  if (word === 'LIKE' || word === 'ILIKE') return word;
  throw new ArgumentError(`expected a comparison operator in "${source}"; ${SUPPORTED}`);
}

function checkSupported(tokens: Token[], source: string): void {
  for (const token of tokens) {
    const text = token.kind === 'word' ? token.text.toUpperCase() : token.kind === 'symbol' ? token.text : '';
    if (UNSUPPORTED_WORDS.has(text) || text === '(' || text === ')' || text === ',') {
      throw new ArgumentError(`unsupported filter syntax '${text}' in "${source}"; ${SUPPORTED}`);
    }
  }
}

// Parses a filter string; empty or missing means "no condition".
export function parseFilter(source: string | undefined, spec: FieldSpec): Clause[] {
  if (source === undefined || source.trim() === '') return [];
  const tokens = tokenize(source);
  checkSupported(tokens, source);
  const clauses: Clause[] = [];
  let index = 0;
  for (;;) {
    const key = tokens[index];
    if (key?.kind !== 'word') throw new ArgumentError(`expected a field name in "${source}"; ${SUPPORTED}`);
    const field = parseField(key.text, spec, source);
    const op = parseOperator(tokens[index + 1], source);
    const value = tokens[index + 2];
    if (value?.kind !== 'string' && value?.kind !== 'number') {
      throw new ArgumentError(`expected a quoted string or a number after '${key.text}' in "${source}"`);
    }
    const literal = value.kind === 'string' ? value.text : value.value;
    if ((op === 'LIKE' || op === 'ILIKE') && typeof literal !== 'string') {
      throw new ArgumentError(`${op} needs a quoted pattern in "${source}"`);
    }
    if (field.kind === 'metric' && typeof literal !== 'number') {
      throw new ArgumentError(`metrics compare with numbers: '${key.text}' in "${source}"`);
    }
    clauses.push({ field, op, value: literal });
    index += 3;
    if (index >= tokens.length) return clauses;
    const joiner = tokens[index];
    if (joiner?.kind !== 'word' || joiner.text.toUpperCase() !== 'AND') {
      throw new ArgumentError(`expected AND between conditions in "${source}"; ${SUPPORTED}`);
    }
    index += 1;
  }
}

function likeToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, flags);
}

function compare(actual: string | number, op: Operator, expected: string | number): boolean {
  if (op === 'LIKE' || op === 'ILIKE') return likeToRegExp(String(expected), op === 'ILIKE' ? 'i' : '').test(String(actual));
  let left: string | number = actual;
  if (typeof expected === 'number') {
    left = typeof actual === 'number' ? actual : Number(actual);
    if (Number.isNaN(left)) return false;
  } else {
    left = String(actual);
  }
  switch (op) {
    case '=': return left === expected;
    case '!=': return left !== expected;
    case '<': return left < expected;
    case '<=': return left <= expected;
    case '>': return left > expected;
    case '>=': return left >= expected;
  }
}

// An item lacking a compared field never matches, as in MLflow.
export function matchesFilter<T>(item: T, clauses: Clause[], lookup: FieldLookup<T>): boolean {
  return clauses.every((clause) => {
    const actual = lookup(item, clause.field);
    return actual !== undefined && compare(actual, clause.op, clause.value);
  });
}

export function parseOrderBy(clauses: string[] | undefined, spec: FieldSpec): OrderBy[] {
  return (clauses ?? []).map((clause) => {
    const tokens = tokenize(clause);
    const [key, direction, extra] = tokens;
    const word = direction?.kind === 'word' ? direction.text.toUpperCase() : undefined;
    if (key?.kind !== 'word' || extra !== undefined || (direction !== undefined && word !== 'ASC' && word !== 'DESC')) {
      throw new ArgumentError(`order_by entry "${clause}" must look like "<field> ASC" or "<field> DESC"`);
    }
    return { field: parseField(key.text, spec, clause), ascending: word !== 'DESC' };
  });
}

// Stable sort on each clause in turn; items missing a field go last whatever the direction.
export function sortItems<T>(items: T[], orders: OrderBy[], lookup: FieldLookup<T>): T[] {
  return [...items].sort((a, b) => {
    for (const order of orders) {
      const left = lookup(a, order.field);
      const right = lookup(b, order.field);
      if (left === right) continue;
      if (left === undefined) return 1;
      if (right === undefined) return -1;
      const numeric = typeof left === 'number' && typeof right === 'number';
      const result = numeric ? left - right : String(left).localeCompare(String(right));
      if (result !== 0) return order.ascending ? result : -result;
    }
    return 0;
  });
}
