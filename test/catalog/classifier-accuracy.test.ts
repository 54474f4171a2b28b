// The classifier measured on the hand-labelled set: per-category precision and recall and overall
// accuracy, printed for the whole set, the development portion, the held-out portion and a second
// reader's set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, measure } from './accuracy-metrics.js';
import { DEVELOPMENT_TOOLS, HELD_OUT_TOOLS, LABELLED_TOOLS, REVIEW_TOOLS } from './labelled-tools.js';

const whole = measure(LABELLED_TOOLS);
const development = measure(DEVELOPMENT_TOOLS);
// Held-out tools are classified with only their held-out siblings: nothing of the development set leaks in.
const heldOut = measure(HELD_OUT_TOOLS);
const review = measure(REVIEW_TOOLS);

test('figures', () => {
  console.log(['', formatReport('whole set', whole), formatReport('development', development), formatReport('held-out', heldOut), formatReport('second reader', review), ''].join('\n'));
});

test('the set is big and broad enough to mean something', () => {
  assert.ok(LABELLED_TOOLS.length >= 300, `${LABELLED_TOOLS.length} tools`);
  const servers = new Set(LABELLED_TOOLS.map((item) => item.server));
  assert.ok(servers.size >= 30, `${servers.size} servers`);
  // The second reader's set is measured on its own; the held-out share is of the first author's tools.
  assert.ok(HELD_OUT_TOOLS.length >= (LABELLED_TOOLS.length - REVIEW_TOOLS.length) * 0.18, `${HELD_OUT_TOOLS.length} held out`);
  for (const category of ['read', 'write', 'execute', 'destructive', 'financial'] as const) {
    assert.ok(LABELLED_TOOLS.filter((item) => item.label === category).length >= 20, `${category} has fewer than 20 examples`);
  }
  const keys = LABELLED_TOOLS.map((item) => `${item.server}/${item.tool.name}`);
  assert.deepEqual(keys.filter((key, index) => keys.indexOf(key) !== index), [], 'duplicate tools');
});

test('the hard cases the issue names are in the set, each with a one-line justification', () => {
  const hard = ['merge_pull_request', 'force_push', 'drop_table', 'truncate_logs', 'set_budget', 'purge_cache', 'archive_issue', 'revoke_token', 'rotate_key',
    'run_query', 'apply_migration', 'refund_charge', 'update_price', 'execute_workflow', 'close_account', 'sync_folder', 'send_payment_reminder', 'cancel_subscription', 'execute_query'];
  for (const name of hard) {
    const item = LABELLED_TOOLS.find((candidate) => candidate.tool.name === name);
    assert.ok(item, `${name} is missing`);
    assert.ok(item.why && item.why.length > 10, `${name} has no justification`);
  }
});

test('overall accuracy is at least 90%', () => {
  assert.ok(whole.accuracy >= 0.9, formatReport('whole set', whole));
});

test('recall for destructive and financial is at least 95% each', () => {
  for (const category of ['destructive', 'financial'] as const) {
    const figures = whole.categories.find((item) => item.category === category);
    assert.ok(figures && figures.recall >= 0.95, formatReport('whole set', whole));
  }
});

test('the held-out portion clears the same bar on its own', () => {
  assert.ok(heldOut.accuracy >= 0.9, formatReport('held-out', heldOut));
});
