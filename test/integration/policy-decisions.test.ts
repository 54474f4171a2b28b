// Every policy field and decision kind except limits, through the real gateway as the agent sees
// it (SDK client → gateway → counting server), proving from the server's own log what reached it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  assertAllowed,
  assertDenied,
  assertUnknownTool,
  call,
  countingServer,
  createCallLog,
  type CallLog,
} from '../helpers/tool-calls.js';

const POLICIES = {
  open: { version: '1', default: 'allow' },
  closed: {
    version: '1',
    default: 'deny',
    tools: { echo: {}, delete_everything: { action: 'deny', reason: 'destructive: ask a human to do this' } },
  },
  implicit: { version: '1', tools: { echo: {} } },
  hidden: { version: '1', default: 'allow', hide: ['delete_everything', 'transfer'] },
  hide_all: { version: '1', default: 'allow', hide: ['*'], tools: { echo: {}, stats: {} } },
  star: {
    version: '1',
    default: 'deny',
    tools: {
      '*': { deny_if: [{ path: 'args.text', op: 'contains', value: 'DROP TABLE' }] },
      echo: {},
    },
  },
  star_open: {
    version: '1',
    default: 'allow',
    tools: { '*': { require: [{ path: 'args.env', op: 'eq', value: 'test' }], reason: 'only the test environment' } },
  },
  conditions: {
    version: '1',
    default: 'deny',
    tools: {
      echo: {
        require: [{ path: 'args.env', op: 'in', value: ['dev', 'test'] }, { path: 'args.user', op: 'exists' }],
        deny_if: [{ path: 'args.text', op: 'regex', value: '^rm\\s' }],
      },
      write_data: {
        require: [{ path: 'args.key', op: 'not_in', value: ['root', 'admin'] }],
        deny_if: [{ path: 'args.value', op: 'contains', value: 'password' }],
        reason: 'writes must not touch credentials',
      },
      read_data: { require: [{ path: 'args.limit', op: 'lt', value: 100 }] },
      transfer: {
        require: [{ path: 'args.to', op: 'neq', value: 'mallory' }, { path: 'args.amount', op: 'lte', value: 1000 }],
        deny_if: [{ path: 'args.amount', op: 'gte', value: 500 }, { path: 'args.to', op: 'contains', value: 'offshore' }],
        approve_if: [{ path: 'args.amount', op: 'gt', value: 100 }],
      },
      delete_everything: { action: 'require_approval', reason: 'a human must confirm a wipe' },
    },
  },
};

type ServerName = keyof typeof POLICIES;

let dir: TempDir;
let gateway: TestGateway;
let token: string;
const logs = {} as Record<ServerName, CallLog>;
const clients = new Map<ServerName, Client>();

before(async () => {
  dir = makeTempDir('policy-decisions');
  const servers: Record<string, unknown> = {};
  for (const name of Object.keys(POLICIES) as ServerName[]) {
    logs[name] = createCallLog(dir.path, `${name}.log`);
    servers[name] = countingServer(POLICIES[name], logs[name]);
  }
  gateway = await startTestGateway({ servers, store: 'memory' });
  token = gateway.token(['*']);
});

after(async () => {
  await gateway.stop();
  dir.cleanup();
});

async function client(server: ServerName): Promise<Client> {
  let existing = clients.get(server);
  if (!existing) {
    existing = await gateway.connect(server, token);
    clients.set(server, existing);
  }
  return existing;
}

/** Runs one call and checks how many calls of `tool` reached `server` meanwhile (0 or 1). */
async function callOn(server: ServerName, tool: string, args: Record<string, unknown>, reached: 0 | 1) {
  const c = await client(server);
  const before = logs[server].count(tool);
  const result = await call(c, tool, args);
  assert.equal(logs[server].count(tool) - before, reached, `${server}/${tool} ${reached ? 'must' : 'must not'} reach the server`);
  return result;
}

describe('default', () => {
  test('allow: an unlisted tool goes through', async () => {
    assertAllowed(await callOn('open', 'count', {}, 1), 'count=1');
  });

  test('deny: an unlisted tool is denied as a tool result, a listed one goes through', async () => {
    const denied = await callOn('closed', 'count', {}, 0);
    assertDenied(denied, 'default', `tool "count" is not allowed by this server's policy`);
    assertAllowed(await callOn('closed', 'echo', { text: 'hi' }, 1), '{"text":"hi"}');
  });

  test('omitted: the same as deny', async () => {
    assertDenied(await callOn('implicit', 'count', {}, 0), 'default');
    assertAllowed(await callOn('implicit', 'echo', {}, 1));
  });
});

describe('action: deny', () => {
  test('the agent reads the entry\'s reason and the rule that fired', async () => {
    const result = await callOn('closed', 'delete_everything', {}, 0);
    assertDenied(result, 'tools.delete_everything.action', 'destructive: ask a human to do this');
    assert.deepEqual(result._meta, { toolgate: { decision: 'deny', rule: 'tools.delete_everything.action' } });
  });
});

describe('hide', () => {
  test('hidden tools are absent from tools/list and answered as unknown tools', async () => {
    const c = await client('hidden');
    const names = (await c.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('count') && names.includes('echo'));
    assert.ok(!names.includes('delete_everything') && !names.includes('transfer'));
    const before = logs.hidden.count();
    await assertUnknownTool(call(c, 'delete_everything'));
    await assertUnknownTool(call(c, 'transfer', { amount: 1, to: 'x' }));
    assert.equal(logs.hidden.count(), before, 'a hidden tool never reaches the server');
    assertAllowed(await callOn('hidden', 'count', {}, 1));
  });

  test('"*" hides every tool not listed under tools', async () => {
    const c = await client('hide_all');
    assert.deepEqual((await c.listTools()).tools.map((tool) => tool.name).sort(), ['echo', 'stats']);
    await assertUnknownTool(call(c, 'count'));
    await assertUnknownTool(call(c, 'no_such_tool'));
    assert.equal(logs.hide_all.count(), 0);
    assertAllowed(await callOn('hide_all', 'echo', { text: 'seen' }, 1));
  });
});

describe('tools["*"]', () => {
  test('applies in addition to the tool\'s own entry', async () => {
    const denied = await callOn('star', 'echo', { text: 'x; DROP TABLE users' }, 0);
    assertDenied(denied, 'tools.*.deny_if[0]', 'this call is denied when args.text contains "DROP TABLE"');
    assertAllowed(await callOn('star', 'echo', { text: 'select 1' }, 1));
  });

  test('never rescues a tool that default: deny rejects', async () => {
    assertDenied(await callOn('star', 'count', { text: 'harmless' }, 0), 'default');
  });

  test('under default: allow, an unlisted tool is judged by "*" alone', async () => {
    assertDenied(await callOn('star_open', 'count', { env: 'prod' }, 0), 'tools.*.require[0]', 'only the test environment');
    assertDenied(await callOn('star_open', 'count', {}, 0), 'tools.*.require[0]');
    assertAllowed(await callOn('star_open', 'count', { env: 'test' }, 1));
  });
});

describe('require, deny_if and every condition op', () => {
  test('require: in and exists; deny_if: regex', async () => {
    const reason = 'this call requires args.env in ["dev","test"]';
    assertDenied(await callOn('conditions', 'echo', { env: 'prod', user: 'a' }, 0), 'tools.echo.require[0]', reason);
    assertDenied(await callOn('conditions', 'echo', { env: 'dev' }, 0), 'tools.echo.require[1]', 'this call requires args.user exists');
    assertDenied(await callOn('conditions', 'echo', { env: 'dev', user: 'a', text: 'rm -rf /' }, 0), 'tools.echo.deny_if[0]', /args\.text regex/);
    assertAllowed(await callOn('conditions', 'echo', { env: 'dev', user: 'a', text: 'ls -l' }, 1));
  });

  test('not_in and contains, with the entry\'s reason', async () => {
    const reason = 'writes must not touch credentials';
    assertDenied(await callOn('conditions', 'write_data', { key: 'root', value: 'x' }, 0), 'tools.write_data.require[0]', reason);
    assertDenied(await callOn('conditions', 'write_data', { key: 'k', value: 'my password is' }, 0), 'tools.write_data.deny_if[0]', reason);
    assertAllowed(await callOn('conditions', 'write_data', { key: 'k', value: 'v' }, 1), 'written');
  });

  test('lt; a missing value fails a require', async () => {
    assertDenied(await callOn('conditions', 'read_data', { limit: 100 }, 0), 'tools.read_data.require[0]', 'this call requires args.limit lt 100');
    assertDenied(await callOn('conditions', 'read_data', {}, 0), 'tools.read_data.require[0]');
    assertAllowed(await callOn('conditions', 'read_data', { limit: 99 }, 1));
  });

  test('neq and lte in require; gte and contains must all hold for deny_if', async () => {
    assertDenied(await callOn('conditions', 'transfer', { amount: 5, to: 'mallory' }, 0), 'tools.transfer.require[0]');
    assertDenied(await callOn('conditions', 'transfer', { amount: 1001, to: 'bob' }, 0), 'tools.transfer.require[1]');
    const both = await callOn('conditions', 'transfer', { amount: 600, to: 'offshore-7' }, 0);
    assertDenied(both, 'tools.transfer.deny_if', 'this call is denied when args.amount gte 500 and args.to contains "offshore"');
    assertAllowed(await callOn('conditions', 'transfer', { amount: 50, to: 'offshore-7' }, 1), 'transferred=50 to=offshore-7');
  });

  test('a comparison on a value that is not a number cannot be judged: denied', async () => {
    const result = await callOn('conditions', 'transfer', { amount: '50', to: 'bob' }, 0);
    assertDenied(result, 'tools.transfer.require[1]', /cannot judge args\.amount lte 1000: args\.amount is a string, not a finite number/);
  });
});

describe('approvals (not configured on this gateway)', () => {
  test('approve_if that holds: denied, saying approvals are not configured', async () => {
    const result = await callOn('conditions', 'transfer', { amount: 200, to: 'bob' }, 0);
    assertDenied(result, 'tools.transfer.approve_if[0]', /approval is required \(tools\.transfer\.approve_if\[0\]\) but approvals are not configured/);
  });

  test('action: require_approval: denied with the entry\'s reason and why', async () => {
    const result = await callOn('conditions', 'delete_everything', {}, 0);
    assertDenied(result, 'tools.delete_everything.action', /^\[POLICY DENIED\] a human must confirm a wipe; .*approvals are not configured/);
  });
});

test('every decision above was audited once, with its rule, and denials were never sent', async () => {
  const events = await gateway.auditEvents();
  const totalReached = Object.values(logs).reduce((sum, log) => sum + log.count(), 0);
  assert.equal(events.filter((event) => event.upstreamStatus === 'ok').length, totalReached);
  for (const event of events.filter((e) => e.decision === 'deny')) assert.equal(event.upstreamStatus, 'not_sent');
  const hidden = events.filter((event) => event.rule === 'hide');
  assert.deepEqual(hidden.map((event) => `${event.server}/${event.tool}`).sort(), ['hidden/delete_everything', 'hidden/transfer', 'hide_all/count', 'hide_all/no_such_tool']);
});
