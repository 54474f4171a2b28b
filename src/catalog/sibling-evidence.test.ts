// Sibling evidence: the other tools of a server say whether an effect can be undone, whether the
// server deals in money, and whether a `query` string is SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTool } from './classify-tool.js';
import { nameEvidence } from './name-evidence.js';
import { siblingEvidence } from './sibling-evidence.js';

test('an undo sibling for the same object makes the effect reversible', () => {
  const facts = nameEvidence('remove_widget').facts;
  assert.match(siblingEvidence(facts, ['restore_widget']).modifiers.reversible ?? '', /restore_widget/);
  assert.equal(siblingEvidence(facts, ['restore_gadget']).modifiers.reversible, undefined);
  assert.equal(classifyTool({ name: 'remove_widget' }).category, 'destructive');
  assert.equal(classifyTool({ name: 'remove_widget' }, ['restore_widget']).category, 'write');
  // A hard delete stays destructive even with a restore beside it.
  assert.equal(classifyTool({ name: 'delete_widget' }, ['restore_widget']).category, 'destructive');
});

test('in a server full of money tools, "account" is money', () => {
  const bank = ['transfer_funds', 'create_payment', 'list_payments', 'refund_payment', 'get_balance'];
  assert.equal(classifyTool({ name: 'close_account' }).category, 'write');
  const result = classifyTool({ name: 'close_account' }, bank);
  assert.equal(result.category, 'financial');
  assert.ok(result.reasons.some((reason) => reason.startsWith('siblings handle money')));
});

test('beside tables and schemas, a query string is a statement', () => {
  const facts = nameEvidence('run').facts;
  assert.equal(siblingEvidence(facts, ['list_tables', 'describe_table']).sqlContext, true);
  assert.equal(siblingEvidence(facts, ['list_issues']).sqlContext, false);
});
