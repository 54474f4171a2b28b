// Pins the wire error table, and checks that docs/errors.md lists every error with its code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { httpStatusFor, modernHttpStatus, WIRE_ERRORS, wireError, type GatewayErrorCode } from './wire-errors.js';

const EXPECTED: Array<[GatewayErrorCode, number, number]> = [
  ['PARSE_ERROR', -32700, 400],
  ['INVALID_REQUEST', -32600, 400],
  ['BATCH_WITH_REQUEST', -32600, 400],
  ['INVALID_TOOL_CALL', -32602, 200],
  ['UNKNOWN_TOOL', -32602, 200],
  ['SESSION_REQUIRED', -32600, 400],
  ['UPSTREAM_UNAVAILABLE', -32010, 200],
  ['UPSTREAM_CLOSED', -32011, 200],
  ['UPSTREAM_TIMEOUT', -32012, 200],
  ['INTERNAL', -32603, 500],
  ['METHOD_NOT_FOUND', -32601, 404],
  ['INVALID_ENVELOPE', -32602, 400],
  ['HEADER_MISMATCH', -32020, 400],
  ['MISSING_CLIENT_CAPABILITY', -32021, 400],
  ['UNSUPPORTED_VERSION', -32022, 400],
];

test('the table has exactly the expected entries', () => {
  assert.deepEqual(Object.keys(WIRE_ERRORS).sort(), EXPECTED.map(([name]) => name).sort());
});

for (const [name, code, status] of EXPECTED) {
  test(`${name} is JSON-RPC ${code}, HTTP ${status}`, () => {
    const error = wireError(name, 7, 'message');
    assert.deepEqual(error, { jsonrpc: '2.0', id: 7, error: { code, message: 'message' } });
    assert.equal(httpStatusFor(name), status);
  });
}

test('a 2026-07-28 exchange ending in an unknown method is 404, in a header or version error 400, else 200', () => {
  assert.equal(modernHttpStatus(wireError('METHOD_NOT_FOUND', 1, 'm')), 404);
  for (const name of ['HEADER_MISMATCH', 'MISSING_CLIENT_CAPABILITY', 'UNSUPPORTED_VERSION'] as const) assert.equal(modernHttpStatus(wireError(name, 1, 'm')), 400);
  // An upstream's own errors stay in-band, as do unknown tools and policy denials.
  assert.equal(modernHttpStatus(wireError('UNKNOWN_TOOL', 1, 'm')), 200);
  assert.equal(modernHttpStatus({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'x' } }), 200);
  assert.equal(modernHttpStatus({ jsonrpc: '2.0', id: 1, result: {} }), 200);
});

test('docs/errors.md lists every error with its code and status', () => {
  const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  for (const [name, code, status] of EXPECTED) {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    assert.ok(row, `docs/errors.md has no row for ${name}`);
    assert.match(row, new RegExp(`\\| ${code} \\| ${status} \\|`), `docs/errors.md row for ${name} must say ${code} and ${status}`);
  }
});
