// The 2026-07-28 mirrored headers: each must match the body it mirrors, after base64 decoding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonRpcRequest } from './jsonrpc.js';
import { META } from './modern-envelope.js';
import { decodeHeaderValue, notificationHeaderMismatch, requestHeaderMismatch, type MirroredHeaders } from './modern-headers.js';

const meta = { [META.protocolVersion]: '2026-07-28', [META.clientCapabilities]: {} };
const call = (name: unknown): JsonRpcRequest => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta: meta } });
const good: MirroredHeaders = { protocolVersion: ['2026-07-28'], method: ['tools/call'], name: ['echo'] };
const b64 = (text: string): string => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;

test('base64 header values are decoded; malformed ones are refused; plain ones pass as sent', () => {
  assert.equal(decodeHeaderValue(b64('héllo wörld')), 'héllo wörld');
  assert.equal(decodeHeaderValue('plain'), 'plain');
  assert.equal(decodeHeaderValue('=?base64?not base64!?='), undefined);
  assert.equal(decodeHeaderValue('=?base64?aGk?='), undefined, 'unpadded is not canonical');
  assert.equal(decodeHeaderValue(`=?base64?${Buffer.from([0xff, 0xfe]).toString('base64')}?=`), undefined, 'not UTF-8');
});

test('headers that mirror the body pass, base64 and surrounding whitespace included', () => {
  assert.equal(requestHeaderMismatch(good, call('echo')), undefined);
  assert.equal(requestHeaderMismatch({ ...good, name: [b64('echo')] }, call('echo')), undefined);
  assert.equal(requestHeaderMismatch({ ...good, name: [' echo\t'] }, call('echo')), undefined);
  const list: JsonRpcRequest = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: meta } };
  assert.equal(requestHeaderMismatch({ protocolVersion: ['2026-07-28'], method: ['tools/list'] }, list), undefined, 'no Mcp-Name where none is mirrored');
  const read: JsonRpcRequest = { jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'file:///a b', _meta: meta } };
  assert.equal(requestHeaderMismatch({ protocolVersion: ['2026-07-28'], method: ['resources/read'], name: [b64('file:///a b')] }, read), undefined);
});

test('each disagreement or absence names the header, what it said and what the body says', () => {
  const cases: Array<[MirroredHeaders, JsonRpcRequest, string, RegExp]> = [
    [{ ...good, name: ['delete_everything'] }, call('echo'), 'Mcp-Name', /Mcp-Name header says "delete_everything" but the body's params.name is "echo"/],
    [{ ...good, name: [b64('delete_everything')] }, call('echo'), 'Mcp-Name', /decoded: "delete_everything"/],
    [{ ...good, name: ['ECHO'] }, call('echo'), 'Mcp-Name', /values are case-sensitive|says "ECHO"/],
    [{ ...good, name: undefined }, call('echo'), 'Mcp-Name', /required and missing/],
    [{ ...good, name: ['echo', 'echo'] }, call('echo'), 'Mcp-Name', /sent 2 times/],
    [{ ...good, name: ['=?base64?%%%?='] }, call('echo'), 'Mcp-Name', /not valid =\?base64/],
    [good, call(7), 'Mcp-Name', /params.name is not a string/],
    [{ ...good, method: ['tools/list'] }, call('echo'), 'Mcp-Method', /Mcp-Method header says "tools\/list" but the body's method is "tools\/call"/],
    [{ ...good, method: undefined }, call('echo'), 'Mcp-Method', /required and missing/],
    [{ ...good, protocolVersion: ['2025-11-25'] }, call('echo'), 'MCP-Protocol-Version', /says "2025-11-25" but the body's params._meta/],
    [{ ...good, protocolVersion: undefined }, call('echo'), 'MCP-Protocol-Version', /required and missing/],
  ];
  for (const [headers, request, header, message] of cases) {
    const problem = requestHeaderMismatch(headers, request);
    assert.ok(problem, JSON.stringify(headers));
    assert.equal(problem.data.header, header);
    assert.match(problem.message, message);
  }
});

test('notifications: headers are optional, but one that is sent must agree', () => {
  const note = { jsonrpc: '2.0' as const, method: 'notifications/cancelled', params: { requestId: 1, _meta: meta } };
  assert.equal(notificationHeaderMismatch({}, note), undefined);
  assert.equal(notificationHeaderMismatch({ protocolVersion: ['2026-07-28'], method: ['notifications/cancelled'] }, note), undefined);
  assert.equal(notificationHeaderMismatch({ method: ['tools/call'] }, note)?.data.header, 'Mcp-Method');
  assert.equal(notificationHeaderMismatch({ protocolVersion: ['2025-11-25'] }, note)?.data.header, 'MCP-Protocol-Version');
});
