// Description evidence: the leading verb, what the text says the tool destroys, runs or pays,
// and the claims that limit (read-only) or soften (restorable) the effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptionEvidence } from './description-evidence.js';
import type { Signal } from './tool-types.js';

function signals(text: string, nameVerb?: string): Signal[] {
  return descriptionEvidence(text, nameVerb).evidence.map((item) => item.signal);
}

test('the leading verb counts, past adverbs and fillers', () => {
  assert.deepEqual(signals('Permanently deletes the file'), ['destructive', 'destructive', 'destructive']);
  assert.deepEqual(signals('Returns every experiment'), ['read']);
  assert.deepEqual(signals('Use this tool to create an issue'), ['write']);
});

test('a leading verb that repeats the name verb adds nothing', () => {
  assert.deepEqual(signals('Create an issue', 'create'), []);
});

test('active and passive destruction anywhere in the text', () => {
  assert.ok(signals('Mirror a folder; files missing at the source are deleted').includes('destructive'));
  assert.ok(signals('Copies the tree and then removes the source directory').includes('destructive'));
  assert.ok(signals('The alias is gone for good').includes('destructive'));
  assert.ok(descriptionEvidence('This cannot be undone').evidence.some((item) => item.hard === true));
});

test('negated or link-only destruction is not destruction', () => {
  assert.ok(!signals('Lists files. It never deletes anything').includes('destructive'));
  assert.ok(!signals('Updates the issue and removes the label you name').includes('destructive'));
});

test('overwriting is weaker evidence than deleting', () => {
  const overwrite = descriptionEvidence('Writes the file; it will overwrite existing files').evidence.find((item) => item.signal === 'destructive');
  assert.equal(overwrite?.weight, 2);
});

test('running commands, code or queries is execution', () => {
  assert.ok(signals('Execute a shell command and return its output').includes('execute'));
  assert.ok(signals('Runs arbitrary SQL').includes('execute'));
});

test('read-only claims are recorded as a modifier', () => {
  assert.match(descriptionEvidence('Run a read-only SQL query').modifiers.readOnlyClaim ?? '', /read-only/);
  assert.match(descriptionEvidence('Only SELECT statements are allowed').modifiers.readOnlyClaim ?? '', /select/);
  assert.match(descriptionEvidence('Execute a SELECT query on the database').modifiers.readOnlyClaim ?? '', /select query/);
  // SELECT beside statements that write is no claim.
  assert.equal(descriptionEvidence('Execute a SELECT, INSERT or UPDATE query').modifiers.readOnlyClaim, undefined);
});

test('restorable effects are recorded as reversible', () => {
  assert.ok(descriptionEvidence('Archive the project; it can be restored later').modifiers.reversible);
  assert.ok(descriptionEvidence('Move the file to the trash').modifiers.reversible);
});

test('money: strong phrases also say the tool acts; mentions are weak', () => {
  const strong = descriptionEvidence('Transfers funds to the payee').evidence;
  assert.ok(strong.some((item) => item.signal === 'money' && item.weight === 3));
  assert.ok(strong.some((item) => item.signal === 'write'));
  const weak = descriptionEvidence('Shows the invoice').evidence.find((item) => item.signal === 'money');
  assert.equal(weak?.weight, 1.5);
});

test('credentials that stop working are destruction', () => {
  assert.ok(signals('Rotate the secret. The old secret stops working immediately.').includes('destructive'));
});
