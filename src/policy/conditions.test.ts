// Condition semantics, op by op: present values, missing paths, and unjudgeable comparisons.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCondition, describeCondition, jsonEqual } from './conditions.js';
import type { ConditionOp } from './types.js';

function verdict(op: ConditionOp, value: unknown, args: unknown, path = 'args.x'): string {
  return compileCondition({ path, op, value, rule: 'tools.t.require[0]' }).evaluate(args);
}

const ARGS = {
  x: 5,
  s: 'alice@example.com',
  list: ['a', { k: 1 }, 3],
  obj: { b: 2, a: [1, 2] },
  nothing: null,
  nested: { deep: { value: 'v' } },
};

// [op, value, path, expected]
const cases: [ConditionOp, unknown, string, string][] = [
  ['eq', 5, 'args.x', 'holds'],
  ['eq', '5', 'args.x', 'fails'],
  ['eq', { a: [1, 2], b: 2 }, 'args.obj', 'holds'],
  ['eq', { a: [2, 1], b: 2 }, 'args.obj', 'fails'],
  ['eq', null, 'args.nothing', 'holds'],
  ['eq', null, 'args.missing', 'fails'],
  ['eq', 'v', 'args.nested.deep.value', 'holds'],
  ['eq', 'a', 'args.list.0', 'holds'],
  ['neq', 6, 'args.x', 'holds'],
  ['neq', 5, 'args.x', 'fails'],
  ['neq', 5, 'args.missing', 'holds'],
  ['in', [1, 5, 'x'], 'args.x', 'holds'],
  ['in', ['5'], 'args.x', 'fails'],
  ['in', [{ k: 1 }], 'args.list.1', 'holds'],
  ['in', [5], 'args.missing', 'fails'],
  ['not_in', [1, 2], 'args.x', 'holds'],
  ['not_in', [5], 'args.x', 'fails'],
  ['not_in', [5], 'args.missing', 'holds'],
  ['lt', 6, 'args.x', 'holds'],
  ['lt', 5, 'args.x', 'fails'],
  ['lte', 5, 'args.x', 'holds'],
  ['gt', 5, 'args.x', 'fails'],
  ['gt', 4.5, 'args.x', 'holds'],
  ['gte', 5, 'args.x', 'holds'],
  ['lt', 10, 'args.missing', 'fails'],
  ['gte', 0, 'args.missing', 'fails'],
  ['lt', 10, 'args.s', 'unjudgeable'],
  ['gt', 10, 'args.nothing', 'unjudgeable'],
  ['lte', 10, 'args.obj', 'unjudgeable'],
  ['regex', '@example\\.com$', 'args.s', 'holds'],
  ['regex', '^bob', 'args.s', 'fails'],
  ['regex', '5', 'args.x', 'unjudgeable'],
  ['regex', 'rm\\s', 'args.list', 'unjudgeable'],
  ['regex', '.*', 'args.missing', 'fails'],
  ['contains', 'example', 'args.s', 'holds'],
  ['contains', 'bob', 'args.s', 'fails'],
  ['contains', { k: 1 }, 'args.list', 'holds'],
  ['contains', 3, 'args.list', 'holds'],
  ['contains', 'b', 'args.obj', 'unjudgeable'],
  ['contains', 'b', 'args.x', 'unjudgeable'],
  ['eq', 'a', 'args.list', 'unjudgeable'],
  ['neq', 'a', 'args.obj', 'unjudgeable'],
  ['in', ['a', 'b'], 'args.list', 'unjudgeable'],
  ['not_in', ['a'], 'args.obj', 'unjudgeable'],
  ['contains', 5, 'args.s', 'fails'],
  ['contains', 'a', 'args.missing', 'fails'],
  ['exists', true, 'args.x', 'holds'],
  ['exists', true, 'args.nothing', 'holds'],
  ['exists', true, 'args.missing', 'fails'],
  ['exists', false, 'args.missing', 'holds'],
  ['exists', false, 'args.x', 'fails'],
  ['exists', true, 'args.list.3', 'fails'],
  ['exists', true, 'args.x.y', 'fails'],
  ['exists', true, 'args', 'holds'],
];

describe('conditions', () => {
  for (const [op, value, path, expected] of cases) {
    test(`${path} ${op} ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(verdict(op, value, ARGS, path), expected);
    });
  }

  test('a path never reaches inherited properties', () => {
    assert.equal(verdict('exists', true, {}, 'args.constructor'), 'fails');
    assert.equal(verdict('exists', true, { a: 'text' }, 'args.a.length'), 'fails');
    assert.equal(verdict('neq', 'x', {}, 'args.__proto__'), 'holds');
  });

  test('a regex keeps no state between calls', () => {
    const condition = compileCondition({ path: 'args.x', op: 'regex', value: 'a', rule: 'r' });
    for (let i = 0; i < 3; i++) assert.equal(condition.evaluate({ x: 'banana' }), 'holds');
  });

  test('jsonEqual compares JSON values structurally', () => {
    assert.equal(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }), true);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false);
    assert.equal(jsonEqual([1, 2], { 0: 1, 1: 2 }), false);
    assert.equal(jsonEqual(1, '1'), false);
  });

  test('descriptions for reasons are short and readable', () => {
    assert.equal(describeCondition({ path: 'args.amount', op: 'lte', value: 100 }), 'args.amount lte 100');
    assert.equal(describeCondition({ path: 'args.memo', op: 'exists', value: false }), 'args.memo does not exist');
    const long = describeCondition({ path: 'args.to', op: 'in', value: Array.from({ length: 50 }, (_, i) => `user${i}`) });
    assert.ok(long.length < 90 && long.endsWith('…'), long);
  });
});
