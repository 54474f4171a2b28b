// What a modern client gets back from a legacy server's answers, and the server/discover result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { META, SUPPORTED_VERSIONS } from './modern-envelope.js';
import { discoverResult, toModernResponse } from './modern-results.js';

const INIT = {
  protocolVersion: '2025-11-25',
  capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: {}, logging: {}, completions: {}, tasks: { list: {} }, experimental: { x: {} } },
  serverInfo: { name: 'upstream', version: '9.9.9' },
  instructions: 'be nice',
};

test('server/discover: versions, the bridged capabilities only, instructions, serverInfo in _meta, cache hints', () => {
  assert.deepEqual(discoverResult(INIT), {
    resultType: 'complete',
    supportedVersions: [...SUPPORTED_VERSIONS],
    capabilities: { tools: {}, resources: {}, prompts: {}, completions: {} },
    instructions: 'be nice',
    ttlMs: 0,
    cacheScope: 'private',
    _meta: { [META.serverInfo]: { name: 'upstream', version: '9.9.9' } },
  });
  assert.deepEqual(discoverResult({ capabilities: { tools: {} } }).capabilities, { tools: {} });
});

test('results get resultType and serverInfo; lists and resources/read get ttlMs 0 and cacheScope private', () => {
  const info = INIT.serverInfo;
  const list = toModernResponse('tools/list', { jsonrpc: '2.0', id: 1, result: { tools: [] } }, info);
  assert.deepEqual(list, { jsonrpc: '2.0', id: 1, result: { tools: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private', _meta: { [META.serverInfo]: info } } });
  const read = toModernResponse('resources/read', { jsonrpc: '2.0', id: 2, result: { contents: [] } }, info);
  assert.equal((read as { result: Record<string, unknown> }).result['cacheScope'], 'private');
  const denied = toModernResponse('tools/call', { jsonrpc: '2.0', id: 3, result: { content: [], isError: true, _meta: { toolgate: { decision: 'deny' } } } }, info);
  assert.deepEqual(denied, { jsonrpc: '2.0', id: 3, result: { content: [], isError: true, resultType: 'complete', _meta: { toolgate: { decision: 'deny' }, [META.serverInfo]: info } } });
  assert.equal('ttlMs' in (denied as { result: Record<string, unknown> }).result, false);
});

test('-32002 (resource not found in 2025) becomes -32602; other errors pass unchanged', () => {
  assert.deepEqual(toModernResponse('resources/read', { jsonrpc: '2.0', id: 1, error: { code: -32002, message: 'Resource not found', data: { uri: 'x' } } }), { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Resource not found', data: { uri: 'x' } } });
  const other = { jsonrpc: '2.0' as const, id: 1, error: { code: -32603, message: 'boom' } };
  assert.deepEqual(toModernResponse('tools/call', other), other);
});
