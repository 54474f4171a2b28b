// Every error validation can report, with its exact path and message (one table), and the promise
// that all errors come at once and no policy is returned when there is any.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolicy } from './validate-policy.js';

const WINDOW = 'must be "second", "minute", "hour", "day" or a positive number of seconds';
const OPS = 'must be one of eq, neq, in, not_in, lt, lte, gt, gte, regex, contains, exists';
const ARG_PATH =
  'must be "args" or start with "args." followed by a dot path into the call\'s arguments, e.g. "args.amount"';
const RATE =
  'must be "<max>/<unit>" such as "10/minute" (unit second, minute, hour or day; or a duration such as "30s" ' +
  'for a sliding window) or an object such as {"max": 10, "window": 60}';

function errorsOf(raw: unknown): string[] {
  const result = validatePolicy(raw);
  if (result.errors.length > 0) assert.equal(result.policy, undefined, 'a policy with errors must not be returned');
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

const tool = (entry: unknown): unknown => ({ version: '1', default: 'deny', tools: { send_payment: entry } });
const limit = (fields: Record<string, unknown>): unknown => tool({ limits: [{ counter: 'c', window: 'minute', max: 1, ...fields }] });
const cond = (fields: Record<string, unknown>): unknown => tool({ require: [fields] });

const cases: [string, unknown, string[]][] = [
  ['not an object', [], ['(root): must be an object with "version", "default" and "tools"']],
  ['null document (empty YAML)', null, ['(root): must be an object with "version", "default" and "tools"']],
  ['unknown top-level key, close to a real one', { version: '1', default: 'deny', tool: {} }, ['tool: unknown key; did you mean "tools"?']],
  ['unknown top-level key, far from any', { version: '1', default: 'deny', zzzzzz: 1 }, ['zzzzzz: unknown key; expected "version", "default", "hide", "tools", "classes", "on_change" or "on_new"']],
  ['version missing', { default: 'deny' }, ['version: required; must be "1"']],
  ['version as a number', { version: 1, default: 'deny' }, ['version: must be the string "1", not the number 1 (write "version": "1")']],
  ['version other', { version: '2', default: 'deny' }, ['version: must be "1" (the only policy format version)']],
  ['default other', { version: '1', default: 'block' }, ['default: must be "allow" or "deny"']],
  ['hide not an array', { version: '1', default: 'deny', hide: 'x' }, ['hide: must be an array of tool names (or "*" for every tool not listed under "tools")']],
  ['hide with an empty name', { version: '1', default: 'deny', hide: ['a', ''] }, ['hide[1]: must be a non-empty tool name or "*"']],
  ['tools not an object', { version: '1', default: 'deny', tools: [] }, ['tools: must be an object mapping tool names to entries, e.g. {"get_status": {}}']],
  ['empty tool name', { version: '1', default: 'deny', tools: { '': {} } }, ['tools[""]: tool name must not be empty']],
  ['entry not an object', tool(true), ['tools.send_payment: must be an object ({} allows the tool)']],
  ['entry with a misspelt key', tool({ limit: [] }), ['tools.send_payment.limit: unknown key; did you mean "limits"?']],
  ['action', tool({ action: 'block' }), ['tools.send_payment.action: must be "allow", "deny" or "require_approval"']],
  ['reason', tool({ reason: 3 }), ['tools.send_payment.reason: must be a non-empty string (the text the agent sees when this entry denies a call)']],
  ['approval_timeout', tool({ action: 'require_approval', approval_timeout: '10 minutes' }), ['tools.send_payment.approval_timeout: must be a duration such as "30s", "10m" or "1h"']],
  ['limits not an array', tool({ limits: {} }), ['tools.send_payment.limits: must be an array of limits like {"counter": "calls", "window": "minute", "max": 30}']],
  ['limit not an object', tool({ limits: ['30/minute'] }), ['tools.send_payment.limits[0]: must be an object with "counter", "window" and "max"']],
  ['limit with an unknown key', limit({ scop: 'grant' }), ['tools.send_payment.limits[0].scop: unknown key; did you mean "scope"?']],
  ['counter missing', limit({ counter: undefined }), ['tools.send_payment.limits[0].counter: required; must be a non-empty counter name']],
  ['counter empty', limit({ counter: '' }), ['tools.send_payment.limits[0].counter: must be a non-empty counter name']],
  ['window missing', limit({ window: undefined }), [`tools.send_payment.limits[0].window: required; ${WINDOW}`]],
  ['window unknown word', limit({ window: 'week' }), [`tools.send_payment.limits[0].window: ${WINDOW}`]],
  ['window zero', limit({ window: 0 }), [`tools.send_payment.limits[0].window: ${WINDOW}`]],
  ['window as a numeric string', limit({ window: '60' }), [`tools.send_payment.limits[0].window: ${WINDOW}`]],
  ['window fractional', limit({ window: 1.5 }), [`tools.send_payment.limits[0].window: ${WINDOW}; a sliding window is a whole number of seconds`]],
  ['max missing', limit({ max: undefined }), ['tools.send_payment.limits[0].max: required; must be a non-negative whole number (0 means never)']],
  ['max negative', limit({ max: -1 }), ['tools.send_payment.limits[0].max: must be a non-negative whole number (0 means never)']],
  ['max fractional', limit({ max: 2.5 }), ['tools.send_payment.limits[0].max: must be a non-negative whole number (0 means never)']],
  ['scope', limit({ scope: 'user' }), ['tools.send_payment.limits[0].scope: must be "grant", "session" or "server"']],
  ['increment_from without args.', limit({ increment_from: 'amount' }), ['tools.send_payment.limits[0].increment_from: must be "args." followed by a dot path to a numeric argument, e.g. "args.amount"']],
  ['increment_from as bare args', limit({ increment_from: 'args' }), ['tools.send_payment.limits[0].increment_from: must be "args." followed by a dot path to a numeric argument, e.g. "args.amount"']],
  ['increment_from with an empty segment', limit({ increment_from: 'args..amount' }), ['tools.send_payment.limits[0].increment_from: must be "args." followed by a dot path to a numeric argument, e.g. "args.amount"']],
  ['rate_limit unknown unit', tool({ rate_limit: '10/week' }), [`tools.send_payment.rate_limit: ${RATE}`]],
  ['rate_limit without a max', tool({ rate_limit: 'minute' }), [`tools.send_payment.rate_limit: ${RATE}`]],
  ['rate_limit sub-second duration', tool({ rate_limit: '10/1500ms' }), [`tools.send_payment.rate_limit: ${RATE}`]],
  ['rate_limit number', tool({ rate_limit: 10 }), [`tools.send_payment.rate_limit: ${RATE}`]],
  ['rate_limit object fields', tool({ rate_limit: { max: -1, window: 'week', scope: 'server' } }), [
    'tools.send_payment.rate_limit.scope: unknown key; expected "max" or "window"',
    'tools.send_payment.rate_limit.max: must be a non-negative whole number (0 means never)',
    `tools.send_payment.rate_limit.window: ${WINDOW}`,
  ]],
  ['conditions not an array', tool({ deny_if: { path: 'args.x', op: 'eq', value: 1 } }), ['tools.send_payment.deny_if: must be an array of conditions like {"path": "args.amount", "op": "lte", "value": 100}']],
  ['condition not an object', tool({ approve_if: ['args.x > 1'] }), ['tools.send_payment.approve_if[0]: must be an object with "path", "op" and "value"']],
  ['condition unknown key', cond({ path: 'args.x', op: 'eq', valu: 1, value: 1 }), ['tools.send_payment.require[0].valu: unknown key; did you mean "value"?']],
  ['condition path missing', cond({ op: 'exists' }), [`tools.send_payment.require[0].path: required; ${ARG_PATH}`]],
  ['condition path outside args', cond({ path: 'amount', op: 'exists' }), [`tools.send_payment.require[0].path: ${ARG_PATH}`]],
  ['condition path with an empty segment', cond({ path: 'args.a.', op: 'exists' }), [`tools.send_payment.require[0].path: ${ARG_PATH}`]],
  ['op missing', cond({ path: 'args.x', value: 1 }), [`tools.send_payment.require[0].op: required; ${OPS}`]],
  ['op unknown', cond({ path: 'args.x', op: 'equals', value: 1 }), [`tools.send_payment.require[0].op: ${OPS}`]],
  ['value missing', cond({ path: 'args.x', op: 'eq' }), ['tools.send_payment.require[0].value: required for op "eq"']],
  ['in needs an array', cond({ path: 'args.x', op: 'in', value: 'a' }), ['tools.send_payment.require[0].value: must be an array for op "in"']],
  ['not_in needs an array', cond({ path: 'args.x', op: 'not_in', value: 1 }), ['tools.send_payment.require[0].value: must be an array for op "not_in"']],
  ['lt needs a number', cond({ path: 'args.x', op: 'lt', value: '5' }), ['tools.send_payment.require[0].value: must be a finite number for op "lt"']],
  ['gte needs a number', cond({ path: 'args.x', op: 'gte', value: null }), ['tools.send_payment.require[0].value: must be a finite number for op "gte"']],
  ['regex needs a string', cond({ path: 'args.x', op: 'regex', value: 5 }), ['tools.send_payment.require[0].value: must be a string (a JavaScript regular expression) for op "regex"']],
  ['regex must compile', cond({ path: 'args.x', op: 'regex', value: '(' }), ['tools.send_payment.require[0].value: is not a valid regular expression: Invalid regular expression: /(/: Unterminated group']],
  ['exists needs a boolean', cond({ path: 'args.x', op: 'exists', value: 'yes' }), ['tools.send_payment.require[0].value: must be true or false for op "exists" (true when omitted)']],
  ['a shared counter with another max', {
    version: '1',
    default: 'deny',
    tools: {
      a: { limits: [{ counter: 'budget', window: 'day', max: 10 }] },
      b: { rate_limit: '5/day', limits: [{ counter: 'budget', window: 'day', max: 20 }] },
    },
  }, ['tools.b.limits[0]: counter "budget" is also used at tools.a.limits[0] with window "day" and max 10; a counter name is one shared budget, so every use must have the same window and max']],
  ['a shared counter with another window', {
    version: '1',
    default: 'deny',
    tools: {
      '*': { limits: [{ counter: 'calls', window: 60, max: 10 }] },
      'x.y': { limits: [{ counter: 'calls', window: 'minute', max: 10 }] },
    },
  }, ['tools["x.y"].limits[0]: counter "calls" is also used at tools.*.limits[0] with window 60 and max 10; a counter name is one shared budget, so every use must have the same window and max']],
];

describe('validatePolicy: every error, with its path', () => {
  for (const [name, raw, expected] of cases) {
    test(name, () => assert.deepEqual(errorsOf(raw), expected));
  }
});

describe('validatePolicy: all at once', () => {
  test('errors in several places are all reported, in document order', () => {
    const errors = errorsOf({
      version: 1,
      default: 'deny',
      tools: {
        send_payment: {
          action: 'allowed',
          limits: [{ counter: 'spend', window: 'weekly', max: 100, increment_from: 'amount' }],
          deny_if: [{ path: 'args.to', op: 'matches', value: 'x' }],
        },
        '': {},
      },
    });
    assert.deepEqual(errors, [
      'version: must be the string "1", not the number 1 (write "version": "1")',
      'tools.send_payment.action: must be "allow", "deny" or "require_approval"',
      `tools.send_payment.limits[0].window: ${WINDOW}`,
      'tools.send_payment.limits[0].increment_from: must be "args." followed by a dot path to a numeric argument, e.g. "args.amount"',
      `tools.send_payment.deny_if[0].op: ${OPS}`,
      'tools[""]: tool name must not be empty',
    ]);
  });
});
