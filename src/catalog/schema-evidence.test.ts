// Schema evidence: money fields, flags that destroy more, and raw code the tool will run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaEvidence, type SchemaContext } from './schema-evidence.js';

const plain: SchemaContext = { sqlContext: false, runsInput: false };

function schema(properties: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { type: 'object', properties };
}

test('amount with currency (or a payee) is strong money evidence; amount alone is weak', () => {
  const paid = schemaEvidence(schema({ amount: { type: 'number' }, currency: { type: 'string' } }), plain).evidence;
  assert.deepEqual(paid.map((item) => [item.signal, item.weight]), [['money', 3]]);
  const wired = schemaEvidence(schema({ amount: { type: 'number' }, beneficiary_iban: { type: 'string' } }), plain).evidence;
  assert.equal(wired[0]?.weight, 3);
  const bare = schemaEvidence(schema({ amount: { type: 'number' } }), plain).evidence;
  assert.equal(bare[0]?.weight, 1.5);
  const limit = schemaEvidence(schema({ limit: { type: 'number' }, currency: { type: 'string' } }), plain).evidence;
  assert.equal(limit[0]?.weight, 3);
});

test('deleting options are decisive, forcing flags are evidence, recursive is a hint', () => {
  const prune = schemaEvidence(schema({ prune: { type: 'boolean' } }), plain).evidence[0];
  assert.deepEqual([prune?.signal, prune?.weight], ['destructive', 3.5]);
  const days = schemaEvidence(schema({ delete_message_days: { type: 'integer' } }), plain).evidence[0];
  assert.equal(days?.weight, 3.5);
  const force = schemaEvidence(schema({ force: { type: 'boolean' } }), plain).evidence[0];
  assert.deepEqual([force?.signal, force?.weight], ['destructive', 2]);
  const recursive = schemaEvidence(schema({ recursive: { type: 'boolean' } }), plain).evidence[0];
  assert.equal(recursive?.weight, 0.5);
});

test('a force flag on a push is a force push', () => {
  const push = schemaEvidence(schema({ force: { type: 'boolean' } }), { ...plain, verb: 'push' }).evidence[0];
  assert.equal(push?.weight, 3.5);
  assert.equal(push?.hard, true);
});

test('raw code strings are execution; a search query is not', () => {
  for (const field of ['sql', 'command', 'script', 'javascript']) {
    assert.equal(schemaEvidence(schema({ [field]: { type: 'string' } }), plain).evidence[0]?.signal, 'execute', field);
  }
  assert.deepEqual(schemaEvidence(schema({ query: { type: 'string' } }), plain).evidence, []);
  // In a database server, or when the field says so, a query is a statement.
  assert.equal(schemaEvidence(schema({ query: { type: 'string' } }), { ...plain, sqlContext: true }).evidence[0]?.signal, 'execute');
  assert.equal(schemaEvidence(schema({ query: { type: 'string', description: 'SQL to run' } }), plain).evidence[0]?.signal, 'execute');
  // "code" is usually a verification code, unless the tool says it runs what it is given.
  assert.deepEqual(schemaEvidence(schema({ code: { type: 'string' } }), plain).evidence, []);
  assert.equal(schemaEvidence(schema({ code: { type: 'string' } }), { ...plain, runsInput: true }).evidence[0]?.signal, 'execute');
});

test('a property limited to SELECT is a read-only claim', () => {
  const reading = schemaEvidence(schema({ sql: { type: 'string', description: 'A SELECT statement only' } }), plain);
  assert.match(reading.modifiers.readOnlyClaim ?? '', /select/);
});

test('missing or malformed schemas give no evidence', () => {
  assert.deepEqual(schemaEvidence(undefined, plain).evidence, []);
  assert.deepEqual(schemaEvidence({ properties: [] }, plain).evidence, []);
  assert.deepEqual(schemaEvidence({ properties: { x: 'not an object' } }, plain).properties, ['x']);
});
