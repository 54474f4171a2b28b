// Policy decisions in front of an HTTP upstream: the counting server over Streamable HTTP, one
// upstream session per client session. (The demo MLflow server is covered by demo-mlflow.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { startCountingHttp, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import {
  assertAllowed,
  assertDenied,
  assertRateLimited,
  assertUnknownTool,
  call,
  createCallLog,
  type CallLog,
} from '../helpers/tool-calls.js';

describe('an HTTP upstream', () => {
  const policy = {
    version: '1',
    default: 'allow',
    hide: ['delete_everything'],
    tools: { transfer: { action: 'deny', reason: 'no transfers' }, count: { limits: [{ counter: 'c', window: 3600, max: 3, scope: 'server' }] } },
  };
  let dir: TempDir;
  let log: CallLog;
  let upstream: HttpFixture;
  let gateway: TestGateway;
  let clients: Client[];

  before(async () => {
    dir = makeTempDir('upstream-http');
    log = createCallLog(dir.path);
    upstream = await startCountingHttp({ COUNTING_SERVER_LOG: log.path });
    gateway = await startTestGateway({ servers: { remote: { url: upstream.url, policy } }, store: 'memory' });
    const token = gateway.token(['remote']);
    clients = [await gateway.connect('remote', token), await gateway.connect('remote', token)];
  });
  after(async () => {
    await gateway.stop();
    await upstream.stop();
    dir.cleanup();
  });

  test('hidden tools are absent and unknown; denials are results; neither reaches the server', async () => {
    const [client] = clients;
    const names = (await client!.listTools()).tools.map((tool) => tool.name);
    assert.ok(names.includes('count') && !names.includes('delete_everything'));
    await assertUnknownTool(call(client!, 'delete_everything'));
    assertDenied(await call(client!, 'transfer', { amount: 1, to: 'x' }), 'tools.transfer.action', 'no transfers');
    assert.equal(log.count(), 0);
  });

  test('allowed calls from two sessions reach the one server; the shared limit holds', async () => {
    const [first, second] = clients;
    assertAllowed(await call(first!, 'count'), 'count=1');
    assertAllowed(await call(second!, 'count'), 'count=2');
    assertAllowed(await call(first!, 'echo', { text: 'over http' }), '{"text":"over http"}');
    assertAllowed(await call(second!, 'count'), 'count=3');
    assertRateLimited(await call(first!, 'count'), 'tools.count.limits[0]');
    assert.equal(log.count('count'), 3);
  });
});
