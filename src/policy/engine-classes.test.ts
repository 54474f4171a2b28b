// Class policies in the engine: a tool with no entry of its own is judged by its class's entry
// (also under default deny), its own entry wins, "*" still applies, and an unclassified tool falls
// to the default. Class rate limits count per tool unless the entry names a shared counter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyEngine, type PolicyEngine } from './engine.js';
import { validatePolicy } from './validate-policy.js';
import type { CallFacts, Decision, ToolClass } from './types.js';

function engineFor(raw: unknown): PolicyEngine {
  const result = validatePolicy(raw);
  assert.deepEqual(result.errors, []);
  assert.ok(result.policy);
  return createPolicyEngine(result.policy, 'srv');
}

function call(tool: string, toolClass?: ToolClass, args: Record<string, unknown> = {}): CallFacts {
  return { server: 'srv', tool, args, grantId: 'grt_1', ...(toolClass ? { toolClass } : {}) };
}

function outcome(decision: Decision): string {
  return `${decision.kind} ${decision.rule}`;
}

function limitsOf(decision: Decision): Array<{ key: string; counter: string; rule: string }> {
  assert.ok(decision.kind === 'allow' || decision.kind === 'approval', outcome(decision));
  return decision.limits.map(({ key, counter, rule }) => ({ key, counter, rule }));
}

const policy = {
  version: '1',
  default: 'deny',
  classes: {
    read: {},
    write: { rate_limit: '30/minute' },
    destructive: { action: 'require_approval', reason: 'destroys data' },
    financial: { action: 'deny', reason: 'no money moves here' },
  },
  tools: { delete_cache: {}, '*': { limits: [{ counter: 'all', window: 'minute', max: 100 }] } },
};

describe('engine: class entries', () => {
  test('a tool with no entry of its own gets its class entry, under default deny', () => {
    const engine = engineFor(policy);
    assert.equal(outcome(engine.decide(call('get_thing', 'read'))), 'allow classes.read');
    assert.equal(outcome(engine.decide(call('drop_table', 'destructive'))), 'approval classes.destructive.action');
    const denied = engine.decide(call('refund', 'financial'));
    assert.equal(outcome(denied), 'deny classes.financial.action');
    assert.equal(denied.kind === 'deny' && denied.reason, 'no money moves here');
  });

  test('an unclassified tool, or a class with no entry, falls to the default', () => {
    const engine = engineFor(policy);
    assert.equal(outcome(engine.decide(call('get_thing'))), 'deny default');
    assert.equal(outcome(engine.decide(call('run_script', 'execute'))), 'deny default');
    const open = engineFor({ ...policy, default: 'allow' });
    assert.equal(outcome(open.decide(call('run_script', 'execute'))), 'allow default');
  });

  test("a tool's own entry wins over its class entry", () => {
    const engine = engineFor(policy);
    // delete_cache is destructive by class, but its own entry allows it without approval.
    assert.equal(outcome(engine.decide(call('delete_cache', 'destructive'))), 'allow tools.delete_cache');
  });

  test('"*" applies in addition to the class entry', () => {
    const engine = engineFor(policy);
    assert.deepEqual(limitsOf(engine.decide(call('set_tag', 'write'))).map((limit) => limit.rule), ['tools.*.limits[0]', 'classes.write.rate_limit']);
    const denyAll = engineFor({ ...policy, tools: { '*': { action: 'deny', reason: 'maintenance' } } });
    assert.equal(outcome(denyAll.decide(call('get_thing', 'read'))), 'deny tools.*.action');
  });

  test("a class rate_limit counts per tool; a named counter is one budget for the class", () => {
    const engine = engineFor({
      version: '1',
      default: 'deny',
      classes: { write: { rate_limit: '30/minute' }, execute: { limits: [{ counter: 'exec', window: 'minute', max: 10 }] } },
    });
    const [a] = limitsOf(engine.decide(call('set_tag', 'write')));
    const [b] = limitsOf(engine.decide(call('set_name', 'write')));
    assert.equal(a?.counter, 'set_tag__rate_limit');
    assert.equal(b?.counter, 'set_name__rate_limit');
    assert.notEqual(a?.key, b?.key);
    const [x] = limitsOf(engine.decide(call('run_sql', 'execute')));
    const [y] = limitsOf(engine.decide(call('run_shell', 'execute')));
    assert.equal(x?.key, y?.key);
    assert.equal(x?.rule, 'classes.execute.limits[0]');
  });

  test('conditions of a class entry are named by their class path', () => {
    const engine = engineFor({
      version: '1',
      default: 'deny',
      classes: { write: { deny_if: [{ path: 'args.env', op: 'eq', value: 'prod' }] } },
    });
    assert.equal(outcome(engine.decide(call('set_tag', 'write', { env: 'prod' }))), 'deny classes.write.deny_if[0]');
    assert.equal(outcome(engine.decide(call('set_tag', 'write', { env: 'dev' }))), 'allow classes.write');
  });

  test('hidden tools stay hidden whatever their class', () => {
    const engine = engineFor({ ...policy, hide: ['get_secret'] });
    assert.equal(engine.decide(call('get_secret', 'read')).kind, 'hidden');
  });
});
