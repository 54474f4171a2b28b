// Which POSTs are 2026-07-28 ones, and what the transport refuses before any handler sees them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingHttpHeaders } from 'node:http';
import { parseMessages } from '../../protocol/parse-message.js';
import { classifyPost, isModernVerbProbe } from './modern-post.js';

const ENVELOPE = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
const MODERN_HEADERS = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };

function classify(body: unknown, headers: Record<string, string> = {}, sessionId?: string) {
  const parsed = parseMessages(JSON.stringify(body));
  assert.notEqual(parsed.kind, 'invalid');
  if (parsed.kind === 'invalid') throw new Error('unreachable');
  const distinct = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  return classifyPost(headers as IncomingHttpHeaders, distinct, sessionId, parsed);
}

test('legacy: a session id, or neither a modern header nor an envelope', () => {
  assert.equal(classify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } }, MODERN_HEADERS, 'ses_1').kind, 'legacy');
  assert.equal(classify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }, { 'mcp-protocol-version': '2025-11-25' }).kind, 'legacy');
  assert.equal(classify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-protocol-version': 'garbage' }).kind, 'legacy');
});

test('modern: an enveloped request with mirrored headers is handed on', () => {
  const request = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: ENVELOPE } };
  assert.deepEqual(classify(request, MODERN_HEADERS), { kind: 'request', request });
});

test('modern notifications are accepted when their headers agree, refused when not', () => {
  const note = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: ENVELOPE } };
  assert.equal(classify(note, { 'mcp-protocol-version': '2026-07-28' }).kind, 'notification');
  const refused = classify(note, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call' });
  assert.equal(refused.kind === 'refused' && refused.error.error.code, -32020);
});

test('a modern client never POSTs a response or a batch', () => {
  const response = classify({ jsonrpc: '2.0', id: 1, result: {} }, MODERN_HEADERS);
  assert.deepEqual(response.kind === 'refused' && [response.status, response.error.error.code], [400, -32600]);
  const batch = classify([{ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: ENVELOPE } }]);
  assert.deepEqual(batch.kind === 'refused' && [batch.status, batch.error.error.code], [400, -32600]);
  assert.equal(classify([{ jsonrpc: '2.0', method: 'notifications/initialized' }]).kind, 'legacy');
});

test('a modern version header without an envelope is -32602 and says what the header named', () => {
  const refused = classify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, MODERN_HEADERS);
  assert.equal(refused.kind, 'refused');
  if (refused.kind !== 'refused') return;
  assert.deepEqual([refused.status, refused.error.id, refused.error.error.code], [400, 9, -32602]);
  assert.match(refused.error.error.message, /the MCP-Protocol-Version header names 2026-07-28/);
});

test('GET and DELETE are modern (405) only without a session and with a modern version header', () => {
  assert.equal(isModernVerbProbe({ 'mcp-protocol-version': '2026-07-28' }, undefined), true);
  assert.equal(isModernVerbProbe({ 'mcp-protocol-version': '2026-07-28' }, 'ses_1'), false);
  assert.equal(isModernVerbProbe({ 'mcp-protocol-version': '2025-11-25' }, undefined), false);
  assert.equal(isModernVerbProbe({}, undefined), false);
});
