// Policy validation: the compiled shape of every field, and the exact path and message of every error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePolicyText } from './read-policy-file.js';
import { validatePolicy } from './validate-policy.js';
import type { LimitRule, ToolEntry } from './types.js';

const SEED = `{
  "version": "1",
  "default": "deny",
  "tools": {
    "get_model_versions": {},
    "transition_model_version_stage": {
      "limits": [
        { "counter": "transition_model_version_stage_rate", "window": "minute", "max": 30, "scope": "grant" }
      ]
    }
  }
}`;

function lines(issues: readonly { path: string; message: string }[]): string[] {
  return issues.map((issue) => `${issue.path}: ${issue.message}`);
}

function withTool(entry: unknown, name = 'send_payment'): unknown {
  return { version: '1', default: 'deny', tools: { [name]: entry } };
}

function entryOf(raw: unknown, name = 'send_payment'): ToolEntry {
  const result = validatePolicy(raw);
  assert.deepEqual(lines(result.errors), []);
  const entry = result.policy?.tools[name];
  assert.ok(entry, `no entry for ${name}`);
  return entry;
}

function onlyLimit(entry: unknown): LimitRule {
  const limits = entryOf(withTool(entry)).limits;
  assert.equal(limits.length, 1);
  return limits[0]!;
}

describe('validatePolicy: the PolicyLayer seed', () => {
  test('validates verbatim with no errors and no warnings', () => {
    const result = validatePolicy(JSON.parse(SEED));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    const policy = result.policy;
    assert.ok(policy);
    assert.equal(policy.default, 'deny');
    assert.deepEqual({ ...policy.tools['get_model_versions'] }, {
      action: 'allow',
      limits: [],
      require: [],
      denyIf: [],
      approveIf: [],
      approvalTimeoutMs: 600_000,
    });
    assert.deepEqual(policy.tools['transition_model_version_stage']?.limits, [
      {
        counter: 'transition_model_version_stage_rate',
        window: { kind: 'calendar', unit: 'minute' },
        max: 30,
        scope: 'grant',
        rule: 'tools.transition_model_version_stage.limits[0]',
      },
    ]);
  });
});

describe('validatePolicy: fields', () => {
  test('a missing default means deny, with a warning', () => {
    const result = validatePolicy({ version: '1', tools: {} });
    assert.equal(result.policy?.default, 'deny');
    assert.deepEqual(lines(result.warnings), [
      'default: not set; calls to tools not listed under "tools" are denied',
    ]);
  });

  test('default allow, hide and an empty tools object are kept', () => {
    const result = validatePolicy({ version: '1', default: 'allow', hide: ['admin', '*'] });
    assert.deepEqual(lines(result.errors), []);
    assert.equal(result.policy?.default, 'allow');
    assert.deepEqual(result.policy?.hide, ['admin', '*']);
    assert.deepEqual(Object.keys(result.policy?.tools ?? {}), []);
  });

  test('every entry key is compiled', () => {
    const entry = entryOf(
      withTool({
        action: 'require_approval',
        reason: 'payments need a human',
        limits: [{ counter: 'spend', window: 86400, max: 500, scope: 'server', increment_from: 'args.payment.amount' }],
        require: [{ path: 'args.currency', op: 'in', value: ['EUR', 'USD'] }],
        deny_if: [{ path: 'args.to', op: 'regex', value: '@evil\\.com$' }],
        approve_if: [{ path: 'args.memo', op: 'exists' }],
        approval_timeout: '30s',
      }),
    );
    assert.equal(entry.action, 'require_approval');
    assert.equal(entry.reason, 'payments need a human');
    assert.deepEqual(entry.limits, [
      {
        counter: 'spend',
        window: { kind: 'sliding', seconds: 86400 },
        max: 500,
        scope: 'server',
        incrementFrom: ['payment', 'amount'],
        rule: 'tools.send_payment.limits[0]',
      },
    ]);
    assert.deepEqual(entry.require, [
      { path: 'args.currency', op: 'in', value: ['EUR', 'USD'], rule: 'tools.send_payment.require[0]' },
    ]);
    assert.deepEqual(entry.denyIf, [
      { path: 'args.to', op: 'regex', value: '@evil\\.com$', rule: 'tools.send_payment.deny_if[0]' },
    ]);
    assert.deepEqual(entry.approveIf, [
      { path: 'args.memo', op: 'exists', value: true, rule: 'tools.send_payment.approve_if[0]' },
    ]);
    assert.equal(entry.approvalTimeoutMs, 30_000);
  });

  test('scope defaults to grant; each calendar window is accepted', () => {
    for (const unit of ['second', 'minute', 'hour', 'day'] as const) {
      const limit = onlyLimit({ limits: [{ counter: 'c', window: unit, max: 0 }] });
      assert.deepEqual(limit.window, { kind: 'calendar', unit });
      assert.equal(limit.scope, 'grant');
      assert.equal(limit.max, 0);
    }
  });

  test('the tool named "*" is an entry like any other', () => {
    const entry = entryOf({ version: '1', default: 'allow', tools: { '*': { deny_if: [{ path: 'args', op: 'exists' }] } } }, '*');
    assert.equal(entry.denyIf[0]?.rule, 'tools.*.deny_if[0]');
  });
});

describe('validatePolicy: rate_limit shorthand', () => {
  const cases: [unknown, LimitRule['window'], number][] = [
    ['10/second', { kind: 'calendar', unit: 'second' }, 10],
    ['5/minute', { kind: 'calendar', unit: 'minute' }, 5],
    ['100/hour', { kind: 'calendar', unit: 'hour' }, 100],
    ['1000/day', { kind: 'calendar', unit: 'day' }, 1000],
    ['10/30s', { kind: 'sliding', seconds: 30 }, 10],
    ['3/5m', { kind: 'sliding', seconds: 300 }, 3],
    [{ max: 10, window: 60 }, { kind: 'sliding', seconds: 60 }, 10],
    [{ max: 7, window: 'hour' }, { kind: 'calendar', unit: 'hour' }, 7],
  ];
  for (const [shorthand, window, max] of cases) {
    test(`${JSON.stringify(shorthand)} is one grant-scoped limit on <tool>__rate_limit`, () => {
      const limit = onlyLimit({ rate_limit: shorthand });
      assert.deepEqual(limit, {
        counter: 'send_payment__rate_limit',
        window,
        max,
        scope: 'grant',
        rule: 'tools.send_payment.rate_limit',
      });
    });
  }

  test('comes after the entry\'s own limits', () => {
    const entry = entryOf(withTool({ limits: [{ counter: 'c', window: 'day', max: 1 }], rate_limit: '2/second' }));
    assert.deepEqual(entry.limits.map((limit) => limit.counter), ['c', 'send_payment__rate_limit']);
  });
});

describe('validatePolicy: warnings', () => {
  test('scope "session" warns about stateless clients', () => {
    const result = validatePolicy(withTool({ limits: [{ counter: 'c', window: 'minute', max: 3, scope: 'session' }] }));
    assert.ok(result.policy);
    assert.deepEqual(lines(result.warnings), [
      'tools.send_payment.limits[0].scope: scope: "session" counts per grant for 2026-07-28 (stateless) clients, which have no sessions',
    ]);
  });

  test('a hidden tool that also has an entry, keys that cannot take effect, scopes that differ', () => {
    const result = validatePolicy({
      version: '1',
      default: 'deny',
      hide: ['admin'],
      tools: {
        admin: {},
        wipe: { action: 'deny', limits: [{ counter: 'c', window: 'minute', max: 3 }] },
        list: { approval_timeout: '5m', limits: [{ counter: 'c', window: 'minute', max: 3, scope: 'server' }] },
      },
    });
    assert.ok(result.policy);
    assert.deepEqual(lines(result.warnings), [
      'tools.wipe.limits: has no effect: "action": "deny" denies these calls before it is checked',
      'tools.list.approval_timeout: has no effect: this entry never asks for approval (no "action": "require_approval" and no "approve_if")',
      'tools.list.limits[0]: counter "c" has scope "server" here but "grant" at tools.wipe.limits[0]; different scopes count separately',
      'hide[0]: "admin" is also listed under "tools"; it is hidden, so its entry never applies',
    ]);
  });
});

describe('docs/policy.md', () => {
  test('every JSON and YAML example in the policy reference validates with no errors', () => {
    const doc = readFileSync(new URL('../../../docs/policy.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/```(json|yaml)\n([\s\S]*?)```/g)];
    assert.ok(examples.length >= 2);
    for (const [, format, text] of examples) {
      const result = validatePolicy(parsePolicyText(text ?? '', `example.${format}`));
      assert.deepEqual(lines(result.errors), [], text);
    }
  });
});
