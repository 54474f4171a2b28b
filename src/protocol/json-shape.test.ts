// Duplicate keys and excess nesting are refused by parseMessages, wherever they hide; sound messages
// (same key in sibling objects, braces and quotes inside strings) pass.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-shape.js';
import { parseMessages } from './parse-message.js';

const call = (params: string) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${params}}`;

describe('jsonShapeProblem', () => {
  test('finds a duplicate key at any depth, and names where', () => {
    assert.equal(jsonShapeProblem(call('{"name":"transfer","name":"count"}')), 'duplicate key "name" in params');
    assert.equal(jsonShapeProblem(call('{"name":"t","arguments":{"amount":5,"to":"x","amount":5000}}')), 'duplicate key "amount" in params.arguments');
    assert.equal(jsonShapeProblem('{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}'), 'duplicate key "id" in the message');
    assert.equal(jsonShapeProblem(call('{"name":"t","arguments":{"list":[{"k":1},{"k":1,"k":2}]}}')), 'duplicate key "k" in params.arguments.list[]');
  });

  test('sees through escapes: "a" and "\\u0061" are one key', () => {
    assert.equal(jsonShapeProblem('{"a":1,"\\u0061":2}'), 'duplicate key "a" in the message');
  });

  test('passes sound JSON: sibling objects, look-alikes inside strings, empty keys once', () => {
    assert.equal(jsonShapeProblem(call('{"name":"t","arguments":{"a":{"x":1},"b":{"x":1}}}')), undefined);
    assert.equal(jsonShapeProblem('{"a":"},{\\"a\\":1,[","b":"\\\\","c":["a","a"],"":0}'), undefined);
    assert.equal(jsonShapeProblem('[{"a":1},{"a":1}]'), undefined);
  });

  test('refuses nesting deeper than the limit', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    assert.equal(jsonShapeProblem(nested(MAX_JSON_DEPTH)), undefined);
    assert.equal(jsonShapeProblem(nested(MAX_JSON_DEPTH + 1)), `nesting deeper than ${MAX_JSON_DEPTH} levels`);
  });
});

describe('parseMessages', () => {
  test('an ambiguous message is an Invalid Request, never a message', () => {
    const parsed = parseMessages(call('{"name":"transfer","name":"count"}'));
    assert.deepEqual(parsed, { kind: 'invalid', code: 'INVALID_REQUEST', message: 'Invalid Request: duplicate key "name" in params' });
    assert.equal(parseMessages(`{"jsonrpc":"2.0","method":"x","params":{"a":${'['.repeat(100)}${']'.repeat(100)}}}`).kind, 'invalid');
    assert.equal(parseMessages(call('{"name":"count","arguments":{}}')).kind, 'single');
  });
});
