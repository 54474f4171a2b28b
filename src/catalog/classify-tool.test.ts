// The classifier on the cases the issue names: effects in the world, not words; risk levels;
// confidence; reasons an operator can check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTool, classifyTools } from './classify-tool.js';
import type { ToolCategory, ToolDefinition } from './tool-types.js';

const schema = (...names: string[]): Record<string, unknown> => ({ type: 'object', properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])) });

const CASES: Array<[ToolDefinition, ToolCategory]> = [
  [{ name: 'execute_query', description: 'Execute a read-only SQL query. Only SELECT statements are allowed.', inputSchema: schema('sql') }, 'read'],
  [{ name: 'execute_sql', description: 'Execute any SQL statement', inputSchema: schema('sql') }, 'execute'],
  [{ name: 'sync_folder', description: 'Make the destination match the source: files missing at the source are deleted.', inputSchema: schema('source', 'destination') }, 'destructive'],
  [{ name: 'send_payment_reminder', description: 'Email the customer a reminder that a payment is due', inputSchema: schema('invoice_id') }, 'write'],
  [{ name: 'cancel_subscription', description: "Cancel a customer's subscription", inputSchema: schema('subscription_id') }, 'financial'],
  [{ name: 'refund_charge', inputSchema: schema('charge', 'amount') }, 'financial'],
  [{ name: 'update_price', inputSchema: schema('price_id', 'unit_amount') }, 'financial'],
  [{ name: 'void_invoice' }, 'financial'],
  [{ name: 'purge_cache', description: 'Purge cached files from the CDN' }, 'write'],
  [{ name: 'archive_issue', description: 'Archive an issue; it can be restored' }, 'write'],
  [{ name: 'revoke_token', description: 'Revoke an access token' }, 'destructive'],
  [{ name: 'rotate_key', description: 'Rotate a key; the previous version stays available for decryption' }, 'write'],
  [{ name: 'apply_migration', description: 'Apply a migration to the database', inputSchema: schema('name', 'query') }, 'execute'],
  [{ name: 'execute_workflow', inputSchema: schema('workflow_id') }, 'execute'],
  [{ name: 'merge_pull_request' }, 'write'],
  [{ name: 'force_push' }, 'destructive'],
  [{ name: 'drop_table' }, 'destructive'],
  [{ name: 'truncate_logs' }, 'destructive'],
  [{ name: 'set_budget', inputSchema: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } } } }, 'financial'],
];

for (const [tool, expected] of CASES) {
  test(`${tool.name} is ${expected}`, () => {
    const result = classifyTool(tool);
    assert.equal(result.category, expected, result.reasons.join('\n'));
  });
}

test('risk follows the category: critical, critical, high, medium, low', () => {
  const risks = classifyTools([{ name: 'drop_table' }, { name: 'refund_charge' }, { name: 'run_script' }, { name: 'create_issue' }, { name: 'get_issue' }]).map((result) => result.risk);
  assert.deepEqual(risks, ['critical', 'critical', 'high', 'medium', 'low']);
});

test('reading a secret is medium risk; changing access or a secret is high', () => {
  assert.deepEqual(pick(classifyTool({ name: 'get_secret_value' })), ['read', 'medium']);
  assert.deepEqual(pick(classifyTool({ name: 'reveal_item', description: 'Reveal the API key of an item' })), ['read', 'medium']);
  assert.deepEqual(pick(classifyTool({ name: 'set_iam_policy' })), ['write', 'high']);
  assert.deepEqual(pick(classifyTool({ name: 'write_secret' })), ['write', 'high']);
  assert.deepEqual(pick(classifyTool({ name: 'get_token_balances' })), ['read', 'low']);
});

test('confidence is between 0 and 1, higher when the evidence agrees', () => {
  const agreed = classifyTool({ name: 'delete_file', description: 'Permanently delete a file', annotations: { destructiveHint: true } });
  const bare = classifyTool({ name: 'widget' });
  const contested = classifyTool({ name: 'delete_note', annotations: { readOnlyHint: true } });
  for (const result of [agreed, bare, contested]) assert.ok(result.confidence >= 0 && result.confidence <= 1);
  assert.ok(agreed.confidence > contested.confidence);
  assert.ok(agreed.confidence > bare.confidence);
});

test('reasons name the words, schema fields and annotations that decided, strongest first', () => {
  const result = classifyTool({ name: 'transfer_funds', description: 'Move money between accounts', inputSchema: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string' } } } });
  assert.equal(result.category, 'financial');
  assert.ok(result.reasons.some((reason) => reason.includes('"funds"')), result.reasons.join('\n'));
  assert.ok(result.reasons.some((reason) => reason.includes('"amount" with "currency"')), result.reasons.join('\n'));
  const hinted = classifyTool({ name: 'list_x', annotations: { readOnlyHint: true, openWorldHint: true } });
  assert.ok(hinted.reasons.includes('annotation readOnlyHint: true'));
  assert.ok(hinted.reasons.some((reason) => reason.startsWith('annotation openWorldHint')));
});

test('a tool with nothing to go on is a low-confidence read, and says so', () => {
  const result = classifyTool({ name: 'x' });
  assert.equal(result.category, 'read');
  assert.ok(result.confidence < 0.6);
  assert.ok(result.reasons[0]?.includes('no action verb'));
});

test('classification is deterministic and carries the fingerprint', () => {
  const tool: ToolDefinition = { name: 'delete_run', description: 'Delete a run', inputSchema: schema('run_id') };
  assert.deepEqual(classifyTool(tool), classifyTool(structuredClone(tool)));
  assert.match(classifyTool(tool).fingerprint, /^[0-9a-f]{64}$/);
});

function pick(result: { category: string; risk: string }): [string, string] {
  return [result.category, result.risk];
}
