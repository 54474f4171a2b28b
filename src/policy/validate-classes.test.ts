// Validation of `classes`, `on_change` and `on_new`: every mistake with its path, and the compiled
// policy carrying them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolicy } from './validate-policy.js';

function errorsOf(raw: unknown): string[] {
  const result = validatePolicy(raw);
  if (result.errors.length > 0) assert.equal(result.policy, undefined);
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

const base = { version: '1', default: 'deny' };

describe('validate: classes', () => {
  test('a valid class policy compiles, with on_change and on_new', () => {
    const result = validatePolicy({ ...base, on_change: 'block', on_new: 'allow', classes: { write: { rate_limit: '30/minute' }, destructive: { action: 'require_approval' } } });
    assert.deepEqual(result.errors, []);
    assert.equal(result.policy?.onChange, 'block');
    assert.equal(result.policy?.onNew, 'allow');
    assert.equal(result.policy?.classes?.destructive?.action, 'require_approval');
    assert.equal(result.policy?.classes?.write?.limits[0]?.perTool, true);
    assert.equal(result.policy?.classes?.write?.limits[0]?.rule, 'classes.write.rate_limit');
  });

  test('absent fields stay absent', () => {
    const result = validatePolicy({ ...base, tools: {} });
    assert.equal(result.policy?.classes, undefined);
    assert.equal(result.policy?.onChange, undefined);
  });

  test('every mistake is reported with its path', () => {
    assert.deepEqual(
      errorsOf({
        ...base,
        on_change: 'deny',
        on_new: true,
        classes: {
          writes: {},
          danger: {},
          read: [],
          write: { action: 'maybe', rate_limit: 'often', limit: [] },
          execute: { limits: [{ counter: 'x', window: 'fortnight', max: -1 }] },
        },
      }),
      [
        'classes.writes: unknown key; did you mean "write"?',
        'classes.danger: unknown key; expected "read", "write", "execute", "destructive" or "financial"',
        'classes.read: must be an object ({} allows the tool)',
        'classes.write.limit: unknown key; did you mean "limits"?',
        'classes.write.action: must be "allow", "deny" or "require_approval"',
        'classes.write.rate_limit: must be "<max>/<unit>" such as "10/minute" (unit second, minute, hour or day; or a duration such as "30s" for a sliding window) or an object such as {"max": 10, "window": 60}',
        'classes.execute.limits[0].window: must be "second", "minute", "hour", "day" or a positive number of seconds',
        'classes.execute.limits[0].max: must be a non-negative whole number (0 means never)',
        'on_change: must be "allow" or "block" (what to do with a tool whose definition changed)',
        'on_new: must be "allow" or "block" (what to do with a tool that appears after the first listing)',
      ],
    );
  });

  test('classes must be an object', () => {
    assert.deepEqual(errorsOf({ ...base, classes: ['write'] }), [
      'classes: must be an object mapping classes ("read", "write", "execute", "destructive" or "financial") to entries, e.g. {"write": {"rate_limit": "30/minute"}}',
    ]);
  });

  test('a counter named in a class and a tool is one budget: window and max must agree', () => {
    const errors = errorsOf({
      ...base,
      tools: { send: { limits: [{ counter: 'writes', window: 'minute', max: 30 }] } },
      classes: { write: { limits: [{ counter: 'writes', window: 'hour', max: 30 }] } },
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^classes\.write\.limits\[0\]: counter "writes" is also used at tools\.send\.limits\[0\]/);
  });

  test('class rate limits are per tool, so two classes with different rate limits do not clash', () => {
    assert.deepEqual(errorsOf({ ...base, classes: { write: { rate_limit: '30/minute' }, execute: { rate_limit: '10/minute' } } }), []);
  });
});

test('validate: classes under hide ["*"] warn that they cannot apply', () => {
  const result = validatePolicy({ ...base, hide: ['*'], classes: { read: {} } });
  assert.deepEqual(result.errors, []);
  assert.ok(result.warnings.some((issue) => issue.path === 'classes' && /has no effect: hide: \["\*"\]/.test(issue.message)));
});
