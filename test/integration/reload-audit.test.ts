// A policy file edited while the gateway serves: valid edits apply without resetting counters,
// invalid ones are refused and the old policy stays, hide changes reach clients as list_changed.
// And the audit trail: one event per decision, argument keys and hash, never a raw value.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { hashArguments } from '../../src/lib/hash.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  assertAllowed,
  assertDenied,
  assertRateLimited,
  assertUnknownTool,
  call,
  countingServer,
  createCallLog,
  textOf,
  waitFor,
  type CallLog,
} from '../helpers/tool-calls.js';

// A sliding hour: no calendar boundary can reset it during the test.
const COUNT_LIMIT = { limits: [{ counter: 'count_budget', window: 3600, max: 5 }] };
const V1 = { version: '1', default: 'allow', tools: { count: COUNT_LIMIT, echo: {} } };
const V2 = { version: '1', default: 'allow', tools: { count: COUNT_LIMIT, echo: { action: 'deny', reason: 'echo is switched off' } } };
const V3_HIDE = { ...V2, hide: ['delete_everything'] };
// hide: ["*"] shows only the tools listed under `tools`: listing one more shows it.
const V4_ONLY_LISTED = { ...V2, hide: ['*'] };
const V5_ONE_MORE = { ...V4_ONLY_LISTED, tools: { ...V2.tools, stats: {} } };

const SECRET = 'SECRET-7f3a9c-do-not-log';
const AUDITED = {
  version: '1',
  default: 'allow',
  hide: ['transfer'],
  tools: { delete_everything: { action: 'deny' }, write_data: { rate_limit: '1/1h' } },
};

let dir: TempDir;
let policyFile: string;
let log: CallLog;
let gateway: TestGateway;
let token: string;

/** Replaces the file the way editors do (write aside, rename over), so no half-written file is read. */
function writePolicy(content: unknown): void {
  const aside = `${policyFile}.tmp`;
  writeFileSync(aside, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  renameSync(aside, policyFile);
}

before(async () => {
  dir = makeTempDir('reload-audit');
  policyFile = join(dir.path, 'policy.json');
  writePolicy(V1);
  log = createCallLog(dir.path);
  const dataDir = join(dir.path, 'data');
  mkdirSync(dataDir);
  gateway = await startTestGateway({
    servers: { live: countingServer(policyFile, log), audited: countingServer(AUDITED, log) },
    dataDir,
  });
  token = gateway.token(['*']);
});

after(async () => {
  await gateway.stop();
  dir.cleanup();
});

describe('policy reload', () => {
  let client: Client;
  const listChanged: number[] = [];

  before(async () => {
    client = await gateway.connect('live', token);
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged.push(Date.now()));
  });

  test('a valid edit applies while serving, and counters keep counting', async () => {
    assertAllowed(await call(client, 'count'));
    assertAllowed(await call(client, 'count'));
    assertAllowed(await call(client, 'echo', { text: 'before' }));
    writePolicy(V2);
    const denied = await waitFor('echo to be denied by the new policy', async () => {
      const result = await call(client, 'echo', { text: 'probe' });
      return result.isError === true ? result : undefined;
    });
    assertDenied(denied, 'tools.echo.action', 'echo is switched off');
    // 2 of 5 were spent before the reload: 3 remain.
    for (let i = 0; i < 3; i++) assertAllowed(await call(client, 'count'));
    assertRateLimited(await call(client, 'count'), 'tools.count.limits[0]');
    assert.equal(log.count('count'), 5);
    assert.equal(listChanged.length, 0, 'hide did not change: no list_changed');
  });

  test('an invalid edit is refused with every error; the old policy and the counters stay', async () => {
    const refusedBefore = gateway.reloads.filter((event) => event.kind === 'refused').length;
    writePolicy({ version: 1, default: 'allow', tools: { echo: { limt: 3 } } });
    const refused = await waitFor('the invalid policy to be refused', () =>
      gateway.reloads.filter((event) => event.kind === 'refused')[refusedBefore],
    );
    assert.ok(refused.kind === 'refused');
    assert.match(refused.reason, /version/);
    assert.match(refused.reason, /tools\.echo\.limt/);
    assertDenied(await call(client, 'echo', { text: 'still off' }), 'tools.echo.action', 'echo is switched off');
    assertRateLimited(await call(client, 'count'), 'tools.count.limits[0]');
    writePolicy('{ "version": "1", "default": ');
    await waitFor('the unparsable policy to be refused', () => gateway.reloads.filter((event) => event.kind === 'refused')[refusedBefore + 1]);
    assertDenied(await call(client, 'echo', {}), 'tools.echo.action');
    assert.equal(log.count('count'), 5);
  });

  test('a change to hide sends notifications/tools/list_changed, and the tool disappears', async () => {
    assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'delete_everything'));
    writePolicy(V3_HIDE);
    await waitFor('notifications/tools/list_changed', () => listChanged.length > 0);
    assert.ok(!(await client.listTools()).tools.some((tool) => tool.name === 'delete_everything'));
    await assertUnknownTool(call(client, 'delete_everything'));
    assert.equal(log.count('delete_everything'), 0);
  });

  test('under hide: ["*"], listing one more tool shows it, and clients are told', async () => {
    const visible = async (): Promise<string[]> => (await client.listTools()).tools.map((tool) => tool.name).sort();
    let seen = listChanged.length;
    writePolicy(V4_ONLY_LISTED);
    await waitFor('list_changed for hide: ["*"]', () => listChanged.length > seen);
    assert.deepEqual(await visible(), ['count', 'echo']);
    seen = listChanged.length;
    writePolicy(V5_ONE_MORE);
    await waitFor('list_changed for a newly listed tool', () => listChanged.length > seen);
    assert.deepEqual(await visible(), ['count', 'echo', 'stats']);
  });
});

describe('audit', () => {
  test('one event per decision, with keys, hash, status and latency, and never a raw value', async () => {
    const client = await gateway.connect('audited', token);
    const before = (await gateway.auditEvents()).length;
    const secretArgs = { note: SECRET, nested: { apiKey: SECRET } };
    const echoed = await call(client, 'echo', secretArgs);
    assert.ok(textOf(echoed).includes(SECRET), 'the server itself saw the value');
    await call(client, 'slow', { ms: 60, note: SECRET });
    await call(client, 'fail', { note: SECRET });
    await call(client, 'delete_everything', { note: SECRET });
    await call(client, 'write_data', { key: 'a', value: SECRET });
    await call(client, 'write_data', { key: 'b', value: SECRET });
    await assertUnknownTool(call(client, 'transfer', { amount: 1, to: SECRET }));

    const events = (await gateway.auditEvents()).slice(before);
    const summary = events.map((event) => [event.tool, event.decision, event.upstreamStatus]);
    assert.deepEqual(summary, [
      ['echo', 'allow', 'ok'],
      ['slow', 'allow', 'ok'],
      ['fail', 'allow', 'tool_error'],
      ['delete_everything', 'deny', 'not_sent'],
      ['write_data', 'allow', 'ok'],
      ['write_data', 'rate_limited', 'not_sent'],
      ['transfer', 'deny', 'not_sent'],
    ]);
    const [echo, slow] = events;
    assert.deepEqual(echo!.argKeys, ['note', 'nested']);
    assert.equal(echo!.argHash, hashArguments(secretArgs));
    assert.match(echo!.argHash, /^[0-9a-f]{64}$/);
    assert.equal(events[5]!.rule, 'tools.write_data.rate_limit');
    assert.equal(events[6]!.rule, 'hide');
    assert.ok((slow!.latencyMs ?? 0) >= 60, `latency of a 60 ms call: ${slow!.latencyMs}`);
    for (const event of events) {
      assert.equal(event.server, 'audited');
      assert.equal(typeof event.latencyMs, 'number');
      assert.match(event.grantId, /^grt_/);
      assert.match(event.sessionId ?? '', /\S/);
    }
    assert.ok(!JSON.stringify(events).includes(SECRET), 'no event holds the raw value');
    const dataDir = join(dir.path, 'data');
    for (const file of readdirSync(dataDir)) {
      assert.ok(!readFileSync(join(dataDir, file)).includes(SECRET), `${file} must not contain the raw value`);
    }
  });
});
