// The era verdict from an answer to `server/discover`, and the mirrored headers a modern upstream gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdictOf } from './era-probe.js';
import { encodeHeaderValue } from '../../protocol/modern-headers.js';
import { mirroredHeaders } from './modern-fetch.js';

test('a DiscoverResult naming 2026-07-28, or a modern error, means modern; anything else legacy', () => {
  const discover = { supportedVersions: ['2026-07-28'], capabilities: { tools: {} } };
  assert.deepEqual(verdictOf({ jsonrpc: '2.0', id: 'p', result: discover }), { era: 'modern', discover });
  assert.equal(verdictOf({ jsonrpc: '2.0', id: 'p', result: { supportedVersions: ['2025-11-25'] } }).era, 'legacy');
  assert.equal(verdictOf({ jsonrpc: '2.0', id: 'p', error: { code: -32601, message: 'Method not found' } }).era, 'legacy');
  assert.equal(verdictOf({ jsonrpc: '2.0', id: 'p', error: { code: -32000, message: 'Server not initialized' } }).era, 'legacy');
  assert.equal(verdictOf(undefined).era, 'legacy');
  for (const code of [-32020, -32021, -32022]) assert.equal(verdictOf({ jsonrpc: '2.0', id: 'p', error: { code, message: 'x' } }).era, 'modern-refused');
  // A dual-era server without 2026-07-28 names legacy versions only: legacy.
  assert.equal(verdictOf({ jsonrpc: '2.0', id: 'p', error: { code: -32022, message: 'x', data: { supported: ['2025-11-25'] } } }).era, 'legacy');
});

test('header values that are not plain header text go as canonical Base64 of UTF-8', () => {
  assert.equal(encodeHeaderValue('echo'), 'echo');
  assert.equal(encodeHeaderValue('file:///a b.txt'), 'file:///a b.txt');
  assert.equal(encodeHeaderValue('grüßen'), `=?base64?${Buffer.from('grüßen').toString('base64')}?=`);
  assert.equal(encodeHeaderValue(' lead'), `=?base64?${Buffer.from(' lead').toString('base64')}?=`);
  assert.equal(encodeHeaderValue('a\nb'), `=?base64?${Buffer.from('a\nb').toString('base64')}?=`);
  // A plain value that looks encoded is encoded, so the server does not decode what was meant literally.
  assert.equal(encodeHeaderValue('=?base64?aGk=?='), `=?base64?${Buffer.from('=?base64?aGk=?=').toString('base64')}?=`);
});

test('Mcp-Method always, Mcp-Name for tools/call, prompts/get and resources/read', () => {
  const body = (method: string, params: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  assert.deepEqual(mirroredHeaders(body('tools/call', { name: 'echo' })), { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
  assert.deepEqual(mirroredHeaders(body('resources/read', { uri: 'modern://notes/1' }))['mcp-name'], 'modern://notes/1');
  assert.equal(mirroredHeaders(body('tools/list', { name: 'not mirrored' }))['mcp-name'], undefined);
  assert.deepEqual(mirroredHeaders('not json'), {});
});
