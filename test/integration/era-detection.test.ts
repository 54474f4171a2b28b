// The era connector against real servers of every kind (decision 021): what it finds, and which
// era each client era's connection then speaks — legacy-only, dual-era and modern-only servers,
// over stdio and over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpstreamSpec } from '../../src/config/gateway-config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { eraConnector, type ClientEra, type EraConnector } from '../../src/transport/upstream/era-connector.js';
import { CONFORMANCE_SERVER, COUNTING_SERVER, MODERN_SERVER } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

const options = { serverName: 'probed', logger: silentLogger };
const stdio = (...args: string[]): UpstreamSpec => ({ kind: 'stdio', command: process.execPath, args, env: {} });
const http = (url: string): UpstreamSpec => ({ kind: 'http', url, headers: {}, transport: 'auto' });

/** Opens one connection for `client` and says which era it speaks (the modern link names 2026-07-28). */
async function eraOfConnection(connector: EraConnector, client: ClientEra): Promise<string> {
  const link = await connector.connect(client);
  await link.close();
  return link.description.endsWith('(2026-07-28)') ? 'modern' : 'legacy';
}

describe('era detection against real servers', { timeout: 60_000 }, () => {
  let dualHttp: HttpFixture;
  let modernOnlyHttp: HttpFixture;

  before(async () => {
    dualHttp = await startHttpFixture(process.execPath, [CONFORMANCE_SERVER, '--dual-era', '--http', '0']);
    modernOnlyHttp = await startHttpFixture(process.execPath, [MODERN_SERVER, '--modern-only', '--http', '0']);
  });
  after(async () => {
    await dualHttp?.stop();
    await modernOnlyHttp?.stop();
  });

  const cases: Array<[string, () => UpstreamSpec, { legacy: string; modern: string }]> = [
    ['legacy-only over stdio', () => stdio(COUNTING_SERVER), { legacy: 'legacy', modern: 'legacy' }],
    ['dual-era over stdio (SDK 2.x serveStdio)', () => stdio(MODERN_SERVER), { legacy: 'legacy', modern: 'modern' }],
    ['modern-only over stdio', () => stdio(MODERN_SERVER, '--modern-only'), { legacy: 'modern', modern: 'modern' }],
    ['dual-era over HTTP (isLegacyRequest + createMcpHandler)', () => http(dualHttp.url), { legacy: 'legacy', modern: 'modern' }],
    ['modern-only over HTTP', () => http(modernOnlyHttp.url), { legacy: 'modern', modern: 'modern' }],
  ];
  for (const [label, spec, expected] of cases) {
    test(`${label}: 2025 clients get ${expected.legacy}, 2026-07-28 clients ${expected.modern}; remembered`, async () => {
      const connector = eraConnector(spec(), 'auto', options);
      assert.deepEqual([connector.linkEra('legacy'), connector.linkEra('modern')], [undefined, undefined]);
      // A 2025 client first: it asks whatever needs asking; then both eras are known.
      assert.equal(await eraOfConnection(connector, 'legacy'), expected.legacy);
      assert.deepEqual([connector.linkEra('legacy'), connector.linkEra('modern')], [expected.legacy, expected.modern]);
      assert.equal(await eraOfConnection(connector, 'modern'), expected.modern);
      assert.equal(await eraOfConnection(connector, 'legacy'), expected.legacy);
    });
  }

  test('a 2026-07-28 client first finds the era without asking initialize; the 2025 client after it asks', async () => {
    const connector = eraConnector(stdio(MODERN_SERVER), 'auto', options);
    assert.equal(await eraOfConnection(connector, 'modern'), 'modern');
    assert.deepEqual([connector.linkEra('legacy'), connector.linkEra('modern')], [undefined, 'modern']);
    assert.equal(await eraOfConnection(connector, 'legacy'), 'legacy');
    assert.equal(connector.linkEra('legacy'), 'legacy');
  });
});
