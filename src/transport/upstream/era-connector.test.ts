// The era a connection speaks for each client era, when `era:` forces the server's side of the
// rule (decision 021); `auto` knows nothing until it has probed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../lib/logger.js';
import { eraConnector } from './era-connector.js';

const http = { kind: 'http', url: 'http://127.0.0.1:9/mcp', headers: {}, transport: 'auto' } as const;
const options = { serverName: 's', logger: silentLogger };

test('legacy: both eras over legacy; modern: both over modern; dual: each in its own; auto: not known yet', () => {
  const table = (era: 'legacy' | 'modern' | 'dual' | 'auto') => {
    const connector = eraConnector(http, era, options);
    return [connector.linkEra('legacy'), connector.linkEra('modern')];
  };
  assert.deepEqual(table('legacy'), ['legacy', 'legacy']);
  assert.deepEqual(table('modern'), ['modern', 'modern']);
  assert.deepEqual(table('dual'), ['legacy', 'modern']);
  assert.deepEqual(table('auto'), [undefined, undefined]);
});

test('a legacy HTTP+SSE server (transport: sse) is legacy whatever era says', () => {
  const connector = eraConnector({ ...http, transport: 'sse' }, 'dual', options);
  assert.deepEqual([connector.linkEra('legacy'), connector.linkEra('modern')], ['legacy', 'legacy']);
});
