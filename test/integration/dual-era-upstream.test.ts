// A server that speaks both protocol eras, through the gateway: a 2025 client gets a legacy session
// upstream and with it everything it gets directly (subscriptions and their updates, the server's
// own capabilities); a 2026-07-28 client gets the modern era; `era:` forces either side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { textOf } from '../helpers/tool-calls.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectDirectHttp, connectModernThroughGateway, connectThroughGateway, NotificationLog, postModern } from '../helpers/mcp-clients.js';
import { CONFORMANCE_SERVER, MODERN_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const POLICY = { version: '1', default: 'allow' };
const WATCHED = 'test://watched-resource';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Subscribes, waits for two updates, unsubscribes, and reports what came when. */
async function subscriptionLife(client: Client, log: NotificationLog): Promise<{ updatesWhileSubscribed: number; updatesAfter: number; uris: string[] }> {
  const updates = (): Array<{ method: string; params?: { uri?: string } }> => log.seen.filter((n) => n.method === 'notifications/resources/updated') as never;
  assert.deepEqual(await client.subscribeResource({ uri: WATCHED }), {});
  await log.waitFor(() => updates().length >= 2, 5_000, 'two resources/updated');
  assert.deepEqual(await client.unsubscribeResource({ uri: WATCHED }), {});
  // An update already on its way when the unsubscribe was answered may still arrive: wait until
  // none has come for longer than the server's 500 ms between updates (they would go on if it
  // had not unsubscribed, and this would time out).
  const quietSince = await waitForQuiet(() => updates().length, 700, 5_000);
  await sleep(1_000);
  return { updatesWhileSubscribed: quietSince, updatesAfter: updates().length - quietSince, uris: [...new Set(updates().map((n) => n.params?.uri ?? ''))] };
}

/** Resolves with `count()` once it has not changed for `quietMs`; fails after `limitMs`. */
async function waitForQuiet(count: () => number, quietMs: number, limitMs: number): Promise<number> {
  const deadline = Date.now() + limitMs;
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`updates went on for ${limitMs} ms after the unsubscribe`);
    await sleep(50);
    if (count() !== last) {
      last = count();
      since = Date.now();
    }
  }
  return last;
}

describe('a dual-era upstream through the gateway', { timeout: 2 * 60_000 }, () => {
  let fixture: HttpFixture;
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    fixture = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--dual-era', '--http', '0']);
    gateway = await startTestGateway({
      store: 'memory',
      servers: {
        dual: { url: fixture.url, policy: POLICY },
        'dual-forced': { url: fixture.url, era: 'dual', policy: POLICY },
        'dual-as-modern': { url: fixture.url, era: 'modern', policy: POLICY },
        'dual-as-legacy': { url: fixture.url, era: 'legacy', policy: POLICY },
        'dual-stdio': { command: process.execPath, args: [MODERN_SERVER], policy: POLICY },
      },
    });
    token = gateway.token(['dual', 'dual-forced', 'dual-as-modern', 'dual-as-legacy', 'dual-stdio']);
  });
  after(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  test('the fixture really is dual-era: it answers server/discover and initialize', async () => {
    const discover = await postModern(fixture.url, undefined, { method: 'server/discover' });
    assert.deepEqual(discover.body?.result?.['supportedVersions'], ['2026-07-28']);
    const log = new NotificationLog();
    const legacy = await connectDirectHttp(fixture.url, { setup: (c) => log.attach(c) });
    assert.equal(legacy.getServerCapabilities()?.resources?.subscribe, true);
    await legacy.close();
  });

  for (const server of ['dual', 'dual-forced'] as const) {
    test(`a 2025 client subscribes, hears updates and unsubscribes exactly as directly (${server === 'dual' ? 'era: auto' : 'era: dual'})`, async () => {
      const directLog = new NotificationLog();
      const direct = await connectDirectHttp(fixture.url, { setup: (c) => directLog.attach(c) });
      const throughLog = new NotificationLog();
      const through = await connectThroughGateway(gateway.url, server, token, { setup: (c) => throughLog.attach(c) });
      try {
        assert.deepEqual(through.getServerCapabilities(), direct.getServerCapabilities());
        assert.equal(through.getServerVersion()?.name, 'conformance-server');
        const [directLife, throughLife] = await Promise.all([subscriptionLife(direct, directLog), subscriptionLife(through, throughLog)]);
        assert.deepEqual(directLife.uris, [WATCHED]);
        assert.deepEqual(throughLife.uris, directLife.uris);
        assert.ok(throughLife.updatesWhileSubscribed >= 2 && directLife.updatesWhileSubscribed >= 2);
        assert.equal(directLife.updatesAfter, 0);
        assert.equal(throughLife.updatesAfter, 0);
        // And the legacy-only parts of the session: logging level, a tool that asks nothing.
        await through.setLoggingLevel('warning');
        assert.equal(textOf(await through.callTool({ name: 'test_simple_text', arguments: {} })), 'This is a simple text response for testing.');
      } finally {
        await direct.close();
        await through.close();
      }
    });
  }

  test('a 2026-07-28 client is served in its own era by the same server', async () => {
    const client = await connectModernThroughGateway(gateway.url, 'dual', token);
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      assert.ok(names.includes('test_simple_text') && !names.includes('test_sampling'), `the modern side's tools: ${names.join(', ')}`);
      assert.equal(textOf(await client.callTool({ name: 'test_simple_text', arguments: {} })), 'This is a simple text response for testing.');
      const read = await client.readResource({ uri: 'test://static-text' });
      assert.equal((read.contents[0] as { text?: string }).text, 'This is the content of the static text resource.');
    } finally {
      await client.close();
    }
  });

  test('era: modern bridges a 2025 client over the modern era (no subscriptions); era: legacy bridges a 2026-07-28 client over a legacy session', async () => {
    const legacy = await connectThroughGateway(gateway.url, 'dual-as-modern', token);
    const modern = await connectModernThroughGateway(gateway.url, 'dual-as-legacy', token);
    try {
      assert.equal(legacy.getServerCapabilities()?.resources?.subscribe, undefined);
      await assert.rejects(legacy.subscribeResource({ uri: WATCHED }), /does not exist in protocol revision 2026-07-28/);
      // The legacy side has every tool, the asking ones too.
      const names = (await modern.listTools()).tools.map((tool) => tool.name);
      assert.ok(names.includes('test_sampling'), names.join(', '));
      assert.equal(textOf(await modern.callTool({ name: 'test_simple_text', arguments: {} })), 'This is a simple text response for testing.');
    } finally {
      await legacy.close();
      await modern.close();
    }
  });

  test('over stdio too: a 2025 client of a dual-era SDK 2.x child gets a legacy session with the server\'s own capabilities', async () => {
    const client = await connectThroughGateway(gateway.url, 'dual-stdio', token);
    try {
      // Bridged over the modern era, listChanged would be cut (a modern server sends it only on listen streams).
      assert.deepEqual(client.getServerCapabilities()?.tools, { listChanged: true });
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })), 'echo: hi');
    } finally {
      await client.close();
    }
  });
});
