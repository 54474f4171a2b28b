// Name evidence: the first action verb decides, and the nouns after it change what the verb means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameEvidence } from './name-evidence.js';
import type { Signal } from './tool-types.js';

function strongest(name: string): Signal | undefined {
  const { evidence } = nameEvidence(name);
  return [...evidence].filter((item) => item.signal !== 'money').sort((a, b) => b.weight - a.weight)[0]?.signal;
}

test('the first verb of the name is the action, in any naming style', () => {
  assert.equal(strongest('get_user'), 'read');
  assert.equal(strongest('createIssue'), 'write');
  assert.equal(strongest('delete-branch'), 'destructive');
  assert.equal(strongest('k8s.execInPod'), 'execute');
  // "run" later in the name is a noun here: get comes first.
  assert.equal(strongest('get_run'), 'read');
});

test('a name with no verb reads like a lookup, weakly', () => {
  const { evidence, facts } = nameEvidence('health');
  assert.equal(facts.verb, undefined);
  assert.deepEqual(evidence.map((item) => [item.signal, item.weight]), [['read', 1]]);
});

test('run-together names are split at a known verb', () => {
  assert.equal(nameEvidence('flushdb').facts.verb, 'flush');
  assert.equal(strongest('flushdb'), 'destructive');
});

test('removing a link (a label, a member) is a write; removing a thing is destructive', () => {
  assert.equal(strongest('remove_label_from_issue'), 'write');
  assert.equal(strongest('remove_member'), 'write');
  assert.equal(strongest('remove_container'), 'destructive');
  // "delete" is never softened by what it deletes.
  assert.equal(strongest('delete_label'), 'destructive');
});

test('starting something runnable is execution; starting an instance is a write', () => {
  assert.equal(strongest('start_workflow'), 'execute');
  assert.equal(strongest('trigger_build'), 'execute');
  assert.equal(strongest('start_instances'), 'write');
});

test('scheduling a deletion is destructive', () => {
  assert.equal(strongest('schedule_key_deletion'), 'destructive');
});

test('force push is destructive and hard', () => {
  const { evidence } = nameEvidence('force_push');
  assert.equal(evidence[0]?.signal, 'destructive');
  assert.equal(evidence[0]?.hard, true);
});

test('money verbs and money nouns are money evidence', () => {
  const refund = nameEvidence('refund_charge').evidence;
  assert.ok(refund.some((item) => item.signal === 'money' && item.weight >= 3));
  const price = nameEvidence('update_price').evidence;
  assert.ok(price.some((item) => item.signal === 'money' && item.reason.includes('"price"')));
  // A weak money noun ("account") is only a hint.
  const account = nameEvidence('close_account').evidence.find((item) => item.signal === 'money');
  assert.equal(account?.weight, 1);
});

test('a reminder about a payment is a message, not a payment', () => {
  assert.match(nameEvidence('send_payment_reminder').modifiers.messageOnly ?? '', /reminder/);
  assert.equal(nameEvidence('create_payment').modifiers.messageOnly, undefined);
});

test('destroying a cache is marked disposable', () => {
  assert.match(nameEvidence('purge_cache').modifiers.disposable ?? '', /cache/);
});
