// What an answer to the `initialize` probe says of a 2026-07-28 server: dual-era, modern-only, or
// nothing yet (asked again next time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legacySupportOf } from './legacy-probe.js';

test('an InitializeResult of a legacy revision means dual-era; a refusal, modern-only; no answer, undecided', () => {
  const result = { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 's', version: '1' } };
  assert.deepEqual(legacySupportOf({ jsonrpc: '2.0', id: 'p', result }), { kind: 'dual', reason: 'it answers initialize with 2025-11-25', version: '2025-11-25' });
  const refused = legacySupportOf({ jsonrpc: '2.0', id: 'p', error: { code: -32022, message: 'Unsupported protocol version: 2025-11-25', data: { supported: ['2026-07-28'] } } });
  assert.deepEqual(refused, { kind: 'modern-only', reason: 'it refuses initialize: -32022 Unsupported protocol version: 2025-11-25' });
  assert.equal(legacySupportOf({ jsonrpc: '2.0', id: 'p', result: { protocolVersion: '2026-07-28' } }).kind, 'modern-only');
  assert.equal(legacySupportOf({ jsonrpc: '2.0', id: 'p', result: {} }).kind, 'modern-only');
  assert.equal(legacySupportOf(undefined).kind, 'undecided');
  assert.equal(legacySupportOf({ jsonrpc: '2.0', id: 'p' }).kind, 'undecided');
});
