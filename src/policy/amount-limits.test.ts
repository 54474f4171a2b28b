// Spend caps as the engine resolves them: `integer: true` requires whole amounts, and every request
// says whether it counts an argument (a spend cap, which never fails open) or calls (a rate limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyEngine } from './engine.js';
import { validatePolicy } from './validate-policy.js';
import type { Decision } from './types.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    buy: {
      limits: [
        { counter: 'units', window: 'day', max: 100, increment_from: 'args.units', integer: true },
        { counter: 'euros', window: 'day', max: 500, increment_from: 'args.price' },
        { counter: 'calls', window: 'minute', max: 10 },
      ],
    },
  },
};

function decide(args: Record<string, unknown>): Decision {
  const result = validatePolicy(POLICY);
  assert.deepEqual(result.errors, []);
  return createPolicyEngine(result.policy!, 'shop').decide({ server: 'shop', tool: 'buy', args, grantId: 'grt_1' });
}

test('whole amounts pass; each request names the argument it counts, a pure rate limit none', () => {
  const decision = decide({ units: 3, price: 12.5 });
  assert.equal(decision.kind, 'allow');
  const limits = decision.kind === 'allow' ? decision.limits : [];
  assert.deepEqual(limits.map((limit) => [limit.counter, limit.amount, limit.incrementFrom]), [
    ['units', 3, 'args.units'],
    ['euros', 12.5, 'args.price'],
    ['calls', 1, undefined],
  ]);
  assert.equal('incrementFrom' in limits[2]!, false);
});

test('a fraction where whole numbers are required is denied, naming the rule', () => {
  for (const [units, found] of [[0.5, 'a fraction'], [-5, 'a negative number'], ['5', 'a string'], [Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Infinity']] as const) {
    assert.deepEqual(decide({ units, price: 1 }), {
      kind: 'deny',
      rule: 'tools.buy.limits[0].increment_from',
      reason: `args.units must be a whole number ≥ 0 to count against "units", but it is ${found}`,
    });
  }
  // Without `integer`, fractions are fine.
  assert.equal(decide({ units: 1, price: 0.5 }).kind, 'allow');
});

test('integer must be a boolean, and only goes with increment_from', () => {
  const errors = (limit: Record<string, unknown>) =>
    validatePolicy({ version: '1', tools: { t: { limits: [{ counter: 'c', window: 'day', max: 1, ...limit }] } } }).errors.map((issue) => `${issue.path}: ${issue.message}`);
  assert.deepEqual(errors({ integer: 'yes', increment_from: 'args.n' }), ['tools.t.limits[0].integer: must be true or false']);
  assert.deepEqual(errors({ integer: true }), ['tools.t.limits[0].integer: only applies with "increment_from" (a count of calls is always whole)']);
  assert.deepEqual(errors({ integer: false }), []);
});
