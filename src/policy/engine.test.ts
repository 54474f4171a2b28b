// The engine's decisions: default, hide, "*", precedence, approval, and the limits a call must reserve.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyEngine, type PolicyEngine } from './engine.js';
import { validatePolicy } from './validate-policy.js';
import type { CallFacts, Decision } from './types.js';

function engineFor(raw: unknown): PolicyEngine {
  const result = validatePolicy(raw);
  assert.deepEqual(result.errors, []);
  assert.ok(result.policy);
  return createPolicyEngine(result.policy, 'pay');
}

function call(tool: string, args: Record<string, unknown> = {}, more: Partial<CallFacts> = {}): CallFacts {
  return { server: 'pay', tool, args, grantId: 'grt_1', ...more };
}

/** kind + rule, the part of a decision every test looks at. */
function outcome(decision: Decision): string {
  return `${decision.kind} ${decision.rule}`;
}

function reasonOf(decision: Decision): string {
  assert.ok('reason' in decision, `no reason on ${decision.kind}`);
  return decision.reason;
}

describe('engine: default and listing', () => {
  test('under default deny only listed tools are allowed', () => {
    const engine = engineFor({ version: '1', default: 'deny', tools: { status: {} } });
    assert.deepEqual(engine.decide(call('status')), { kind: 'allow', rule: 'tools.status', limits: [] });
    const denied = engine.decide(call('wipe'));
    assert.equal(outcome(denied), 'deny default');
    assert.equal(reasonOf(denied), 'tool "wipe" is not allowed by this server\'s policy');
  });

  test('under default allow an unlisted tool is allowed by the default', () => {
    const engine = engineFor({ version: '1', default: 'allow', tools: { wipe: { action: 'deny', reason: 'never wipe' } } });
    assert.equal(outcome(engine.decide(call('status'))), 'allow default');
    const denied = engine.decide(call('wipe'));
    assert.equal(outcome(denied), 'deny tools.wipe.action');
    assert.equal(reasonOf(denied), 'never wipe');
  });

  test('a deny action without a reason names the tool', () => {
    const engine = engineFor({ version: '1', default: 'deny', tools: { wipe: { action: 'deny' } } });
    assert.equal(reasonOf(engine.decide(call('wipe'))), 'tool "wipe" is denied by this server\'s policy');
  });

  test('tool names match exactly', () => {
    const engine = engineFor({ version: '1', default: 'deny', tools: { status: {}, constructor: {} } });
    assert.equal(outcome(engine.decide(call('Status'))), 'deny default');
    assert.equal(outcome(engine.decide(call('toString'))), 'deny default');
    assert.equal(outcome(engine.decide(call('constructor'))), 'allow tools.constructor');
  });

  test('tool names are not normalised: case, separators and Unicode forms are other tools', () => {
    const engine = engineFor({ version: '1', default: 'allow', tools: { delete_file: { action: 'deny' } }, hide: ['drop_table'] });
    assert.equal(outcome(engine.decide(call('delete_file'))), 'deny tools.delete_file.action');
    for (const name of ['Delete_File', 'delete-file', 'delete.file', 'ｄelete_file', 'delete_file ']) {
      assert.equal(outcome(engine.decide(call(name))), 'allow default', name);
    }
    assert.equal(engine.isHidden('drop_table'), true);
    assert.equal(engine.isHidden('Drop_Table'), false);
    assert.equal(engine.isHidden('drop-table'), false);
  });
});

describe('engine: hide', () => {
  test('a hidden tool is hidden even when it has an entry or the default would deny it', () => {
    const engine = engineFor({ version: '1', default: 'deny', hide: ['admin', 'ghost'], tools: { admin: {}, status: {} } });
    assert.equal(engine.isHidden('admin'), true);
    assert.equal(engine.isHidden('ghost'), true);
    assert.equal(engine.isHidden('status'), false);
    assert.deepEqual(engine.decide(call('admin')), {
      kind: 'hidden',
      rule: 'hide',
      reason: 'tool "admin" is hidden by this server\'s policy',
    });
    assert.equal(outcome(engine.decide(call('ghost'))), 'hidden hide');
  });

  test('hide "*" hides every tool not listed under tools', () => {
    const engine = engineFor({ version: '1', default: 'allow', hide: ['*'], tools: { status: {}, '*': {} } });
    assert.equal(engine.isHidden('status'), false);
    assert.equal(engine.isHidden('anything_else'), true);
    assert.equal(outcome(engine.decide(call('anything_else'))), 'hidden hide');
    assert.equal(outcome(engine.decide(call('status'))), 'allow tools.status');
  });
});

describe('engine: "*"', () => {
  test('"*" never rescues a tool that default deny rejects', () => {
    const engine = engineFor({ version: '1', default: 'deny', tools: { '*': {} } });
    assert.equal(outcome(engine.decide(call('status'))), 'deny default');
  });

  test('"*" applies to listed tools, and to unlisted ones under default allow', () => {
    const star = { deny_if: [{ path: 'args.dry_run', op: 'eq', value: false }] };
    const engine = engineFor({ version: '1', default: 'allow', tools: { '*': star, status: {} } });
    for (const tool of ['status', 'unlisted']) {
      const denied = engine.decide(call(tool, { dry_run: false }));
      assert.equal(outcome(denied), 'deny tools.*.deny_if[0]');
      assert.equal(reasonOf(denied), 'this call is denied when args.dry_run eq false');
      assert.equal(engine.decide(call(tool, { dry_run: true })).kind, 'allow');
    }
  });

  test('"*" action deny denies every tool, before the tool\'s own entry', () => {
    const engine = engineFor({
      version: '1',
      default: 'allow',
      tools: { '*': { action: 'deny', reason: 'maintenance' }, wipe: { action: 'deny', reason: 'never' } },
    });
    for (const tool of ['wipe', 'status']) {
      const denied = engine.decide(call(tool));
      assert.equal(outcome(denied), 'deny tools.*.action');
      assert.equal(reasonOf(denied), 'maintenance');
    }
  });

  test('"*" require is checked before the tool\'s require', () => {
    const engine = engineFor({
      version: '1',
      default: 'deny',
      tools: {
        '*': { require: [{ path: 'args.ticket', op: 'exists' }] },
        deploy: { require: [{ path: 'args.env', op: 'neq', value: 'prod' }] },
      },
    });
    assert.equal(outcome(engine.decide(call('deploy', { env: 'prod' }))), 'deny tools.*.require[0]');
    assert.equal(outcome(engine.decide(call('deploy', { env: 'prod', ticket: 'T-1' }))), 'deny tools.deploy.require[0]');
    assert.equal(reasonOf(engine.decide(call('deploy', { env: 'prod', ticket: 'T-1' }))), 'this call requires args.env neq "prod"');
    assert.equal(outcome(engine.decide(call('deploy', { env: 'dev', ticket: 'T-1' }))), 'allow tools.deploy');
  });

  test('limits of "*" and of the tool both apply; a budget listed in both is reserved once', () => {
    const shared = { counter: 'calls', window: 'minute', max: 100, scope: 'server' };
    const engine = engineFor({
      version: '1',
      default: 'allow',
      tools: { '*': { limits: [shared], rate_limit: '50/second' }, search: { limits: [shared], rate_limit: '5/second' } },
    });
    const decision = engine.decide(call('search'));
    assert.equal(decision.kind, 'allow');
    assert.deepEqual(
      decision.limits.map((limit) => `${limit.rule} ${limit.counter}`),
      ['tools.*.limits[0] calls', 'tools.*.rate_limit *__rate_limit', 'tools.search.rate_limit search__rate_limit'],
    );
    const other = engine.decide(call('other'));
    assert.equal(other.kind, 'allow');
    assert.deepEqual(other.limits.map((limit) => limit.key), decision.limits.slice(0, 2).map((limit) => limit.key));
  });
});
