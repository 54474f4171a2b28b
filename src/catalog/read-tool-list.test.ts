// Reading tool lists for `toolgate classify`: the accepted shapes, and every problem with its path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readToolList } from './read-tool-list.js';

test('{tools}, a JSON-RPC response and a bare array are all accepted', () => {
  const tools = [{ name: 'a' }, { name: 'b', description: 'B' }];
  for (const raw of [{ tools }, { jsonrpc: '2.0', id: 1, result: { tools } }, tools]) {
    const reading = readToolList(raw);
    assert.equal(reading.kind, 'ok');
    if (reading.kind === 'ok') assert.deepEqual(reading.tools.map((tool) => tool.name), ['a', 'b']);
  }
});

test('every malformed entry is reported with its path', () => {
  const reading = readToolList([{ name: '' }, 'x', { name: 'ok', description: 3, inputSchema: [] }]);
  assert.deepEqual(reading, {
    kind: 'invalid',
    errors: ['tools[0].name: must be a non-empty string', 'tools[1]: must be an object', 'tools[2].description: must be a string', 'tools[2].inputSchema: must be an object'],
  });
  assert.equal(readToolList({ nope: 1 }).kind, 'invalid');
});
