// The engine's precedence chain, unjudgeable values, approvals, and how limits become requests
// (scope keys and increment_from amounts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyEngine, type PolicyEngine } from './engine.js';
import { validatePolicy } from './validate-policy.js';
import type { CallFacts, Decision, LimitRequest } from './types.js';

function engineFor(raw: unknown): PolicyEngine {
  const result = validatePolicy(raw);
  assert.deepEqual(result.errors, []);
  assert.ok(result.policy);
  return createPolicyEngine(result.policy, 'pay');
}

function call(tool: string, args: Record<string, unknown> = {}, more: Partial<CallFacts> = {}): CallFacts {
  return { server: 'pay', tool, args, grantId: 'grt_1', ...more };
}

function outcome(decision: Decision): string {
  return `${decision.kind} ${decision.rule}`;
}

function reasonOf(decision: Decision): string {
  assert.ok('reason' in decision);
  return decision.reason;
}

function limitsOf(decision: Decision): readonly LimitRequest[] {
  assert.ok(decision.kind === 'allow' || decision.kind === 'approval', `got ${outcome(decision)}`);
  return decision.limits;
}

const PAYMENTS = {
  version: '1',
  default: 'deny',
  tools: {
    send_payment: {
      require: [{ path: 'args.currency', op: 'in', value: ['EUR', 'USD'] }],
      deny_if: [{ path: 'args.to', op: 'regex', value: '@evil\\.example$' }],
      approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }],
      limits: [{ counter: 'daily_spend', window: 'day', max: 1000, increment_from: 'args.amount' }],
    },
  },
};

describe('engine: precedence, first match wins', () => {
  const engine = engineFor(PAYMENTS);
  const ok = { currency: 'EUR', to: 'bob@shop.example', amount: 50 };
  const cases: [string, Record<string, unknown>, string][] = [
    ['all clear', ok, 'allow tools.send_payment'],
    ['require fails', { ...ok, currency: 'GBP' }, 'deny tools.send_payment.require[0]'],
    ['require beats deny_if', { ...ok, currency: 'GBP', to: 'x@evil.example' }, 'deny tools.send_payment.require[0]'],
    ['deny_if holds', { ...ok, to: 'x@evil.example' }, 'deny tools.send_payment.deny_if[0]'],
    ['deny_if beats unjudgeable', { ...ok, to: 'x@evil.example', amount: 'lots' }, 'deny tools.send_payment.deny_if[0]'],
    ['unjudgeable beats approval', { ...ok, amount: '500' }, 'deny tools.send_payment.approve_if[0]'],
    ['approval', { ...ok, amount: 500 }, 'approval tools.send_payment.approve_if[0]'],
    ['a negative amount cannot be counted', { ...ok, amount: -5 }, 'deny tools.send_payment.limits[0].increment_from'],
    ['a missing amount cannot be counted', { currency: 'EUR', to: 'bob@shop.example' }, 'deny tools.send_payment.limits[0].increment_from'],
  ];
  for (const [name, args, expected] of cases) {
    test(name, () => assert.equal(outcome(engine.decide(call('send_payment', args))), expected));
  }

  test('action deny beats every condition', () => {
    const denying = engineFor({ ...PAYMENTS, tools: { send_payment: { ...PAYMENTS.tools.send_payment, action: 'deny' } } });
    assert.equal(outcome(denying.decide(call('send_payment', { ...ok, amount: 'lots' }))), 'deny tools.send_payment.action');
  });

  test('the unjudgeable reason names the path and the type, never the value', () => {
    const reason = reasonOf(engine.decide(call('send_payment', { ...ok, amount: 'secret-ish' })));
    assert.equal(reason, 'cannot judge args.amount gt 100: args.amount is a string, not a finite number');
  });

  test('the approval carries the limits the call will need and the default timeout', () => {
    const decision = engine.decide(call('send_payment', { ...ok, amount: 500 }));
    assert.equal(decision.kind, 'approval');
    assert.equal(decision.approvalTimeoutMs, 600_000);
    assert.equal(decision.reason, 'this call needs approval when args.amount gt 100');
    assert.deepEqual(limitsOf(decision).map((limit) => [limit.counter, limit.amount, limit.max]), [['daily_spend', 500, 1000]]);
  });
});

describe('engine: unjudgeable values fail closed in every list', () => {
  const engine = engineFor({
    version: '1',
    default: 'deny',
    tools: {
      in_require: { require: [{ path: 'args.n', op: 'lt', value: 10 }, { path: 'args.m', op: 'exists' }] },
      in_deny_if: { deny_if: [{ path: 'args.flag', op: 'eq', value: true }, { path: 'args.n', op: 'gte', value: 10 }] },
    },
  });

  test('in require, even when the other conditions hold', () => {
    assert.equal(outcome(engine.decide(call('in_require', { n: null, m: 1 }))), 'deny tools.in_require.require[0]');
    assert.equal(outcome(engine.decide(call('in_require', { n: 3, m: 1 }))), 'allow tools.in_require');
  });

  test('in deny_if, even when another condition of the list is false', () => {
    const decision = engine.decide(call('in_deny_if', { flag: false, n: [10] }));
    assert.equal(outcome(decision), 'deny tools.in_deny_if.deny_if[1]');
    assert.equal(reasonOf(decision), 'cannot judge args.n gte 10: args.n is an array, not a finite number');
    assert.equal(outcome(engine.decide(call('in_deny_if', { flag: false, n: 99 }))), 'allow tools.in_deny_if');
    assert.equal(outcome(engine.decide(call('in_deny_if', { flag: true, n: 99 }))), 'deny tools.in_deny_if.deny_if');
  });

  test('a missing value is not unjudgeable: the comparison is false', () => {
    assert.equal(outcome(engine.decide(call('in_deny_if', { flag: true }))), 'allow tools.in_deny_if');
  });
});

describe('engine: approval', () => {
  test('action require_approval uses the entry\'s reason and approval_timeout', () => {
    const engine = engineFor({
      version: '1',
      default: 'deny',
      tools: {
        deploy: { action: 'require_approval', reason: 'deploys need a human', approval_timeout: '90s', rate_limit: '2/minute' },
        publish: { action: 'require_approval' },
      },
    });
    const decision = engine.decide(call('deploy'));
    assert.equal(decision.kind, 'approval');
    assert.equal(decision.rule, 'tools.deploy.action');
    assert.equal(decision.reason, 'deploys need a human');
    assert.equal(decision.approvalTimeoutMs, 90_000);
    assert.deepEqual(decision.limits.map((limit) => limit.counter), ['deploy__rate_limit']);
    assert.equal(reasonOf(engine.decide(call('publish'))), 'tool "publish" requires approval');
  });

  test('approve_if with several conditions asks only when all hold', () => {
    const engine = engineFor({
      version: '1',
      default: 'deny',
      tools: { refund: { approve_if: [{ path: 'args.amount', op: 'gte', value: 50 }, { path: 'args.reason', op: 'exists', value: false }] } },
    });
    assert.equal(outcome(engine.decide(call('refund', { amount: 60 }))), 'approval tools.refund.approve_if');
    assert.equal(outcome(engine.decide(call('refund', { amount: 60, reason: 'damaged' }))), 'allow tools.refund');
    assert.equal(outcome(engine.decide(call('refund', { amount: 10 }))), 'allow tools.refund');
  });
});

describe('engine: limit requests', () => {
  const engine = engineFor({
    version: '1',
    default: 'deny',
    tools: {
      search: {
        limits: [
          { counter: 'per_grant', window: 'minute', max: 5 },
          { counter: 'per_session', window: 30, max: 2, scope: 'session' },
          { counter: 'everyone', window: 'hour', max: 100, scope: 'server' },
        ],
      },
      spend: { limits: [{ counter: 'budget', window: 'day', max: 100, increment_from: 'args.cost.eur' }] },
    },
  });

  test('keys name server, scope, scope owner and counter', () => {
    const decision = engine.decide(call('search', {}, { sessionId: 'ses_9' }));
    assert.deepEqual(limitsOf(decision), [
      { key: 'pay\u0000grant\u0000grt_1\u0000per_grant', counter: 'per_grant', window: { kind: 'calendar', unit: 'minute' }, max: 5, amount: 1, rule: 'tools.search.limits[0]' },
      { key: 'pay\u0000session\u0000ses_9\u0000per_session', counter: 'per_session', window: { kind: 'sliding', seconds: 30 }, max: 2, amount: 1, rule: 'tools.search.limits[1]' },
      { key: 'pay\u0000server\u0000\u0000everyone', counter: 'everyone', window: { kind: 'calendar', unit: 'hour' }, max: 100, amount: 1, rule: 'tools.search.limits[2]' },
    ]);
  });

  test('a stateless client (no session) counts its session budget per grant', () => {
    const keys = limitsOf(engine.decide(call('search'))).map((limit) => limit.key);
    assert.equal(keys[1], 'pay\u0000session\u0000grt_1\u0000per_session');
  });

  test('each agent gets its own keys, whatever order the calls come in', () => {
    const agents: [string, string | undefined][] = [['grt_1', 's1'], ['grt_2', 's2'], ['grt_1', 's1'], ['grt_1', 's3'], ['grt_2', undefined]];
    for (const [grantId, sessionId] of agents) {
      const facts = call('search', {}, sessionId === undefined ? { grantId } : { grantId, sessionId });
      const keys = limitsOf(engine.decide(facts)).map((limit) => limit.key);
      assert.deepEqual(keys, [
        `pay\u0000grant\u0000${grantId}\u0000per_grant`,
        `pay\u0000session\u0000${sessionId ?? grantId}\u0000per_session`,
        'pay\u0000server\u0000\u0000everyone',
      ]);
    }
  });

  test('a decision cannot be altered by the caller to affect the next one', () => {
    const first = engine.decide(call('search'));
    assert.throws(() => (limitsOf(first)[0] as { amount: number }).amount = 1000);
    assert.equal(limitsOf(engine.decide(call('search')))[0]?.amount, 1);
  });

  test('increment_from counts the argument\'s value', () => {
    for (const amount of [0, 12.5, 100]) {
      assert.equal(limitsOf(engine.decide(call('spend', { cost: { eur: amount } })))[0]?.amount, amount);
    }
  });

  const bad: [unknown, string][] = [
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['5', 'a string'],
    [-1, 'a negative number'],
    [null, 'null'],
    [[5], 'an array'],
    [undefined, 'missing'],
  ];
  for (const [value, described] of bad) {
    test(`increment_from denies ${described}`, () => {
      const args = value === undefined ? { cost: {} } : { cost: { eur: value } };
      const decision = engine.decide(call('spend', args));
      assert.equal(outcome(decision), 'deny tools.spend.limits[0].increment_from');
      assert.equal(
        reasonOf(decision),
        `args.cost.eur must be a finite non-negative number to count against "budget", but it is ${described}`,
      );
    });
  }
});

describe('engine: an argument of the wrong shape cannot slip past a deny_if', () => {
  const engine = engineFor({
    version: '1',
    default: 'allow',
    tools: {
      run: { deny_if: [{ path: 'args.command', op: 'regex', value: 'rm\\s' }] },
      deploy: { deny_if: [{ path: 'args.env', op: 'in', value: ['prod'] }] },
    },
  });

  test('an array where the regex expects a string is denied, with the type in the reason', () => {
    assert.equal(outcome(engine.decide(call('run', { command: 'rm -rf /' }))), 'deny tools.run.deny_if[0]');
    const decision = engine.decide(call('run', { command: ['rm -rf /'] }));
    assert.equal(outcome(decision), 'deny tools.run.deny_if[0]');
    assert.equal(reasonOf(decision), 'cannot judge args.command regex "rm\\\\s": args.command is an array, not a string');
    assert.equal(outcome(engine.decide(call('run', { command: 'ls' }))), 'allow tools.run');
  });

  test('an array where `in` expects a primitive is denied', () => {
    assert.equal(outcome(engine.decide(call('deploy', { env: ['prod'] }))), 'deny tools.deploy.deny_if[0]');
    assert.equal(outcome(engine.decide(call('deploy', { env: 'staging' }))), 'allow tools.deploy');
  });
});
