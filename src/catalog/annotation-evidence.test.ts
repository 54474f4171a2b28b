// Annotations are hints: they add evidence, never override strong contrary evidence, and a hint
// the rest contradicts is flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotationContradictions, annotationEvidence, annotationNotes } from './annotation-evidence.js';
import { classifyTool } from './classify-tool.js';

test('each hint becomes weighted evidence', () => {
  assert.deepEqual(annotationEvidence({ readOnlyHint: true }).map((item) => [item.signal, item.weight]), [['read', 2.5]]);
  assert.deepEqual(annotationEvidence({ readOnlyHint: false, destructiveHint: true }).map((item) => item.signal), ['destructive', 'write']);
  assert.deepEqual(annotationEvidence({ readOnlyHint: false, destructiveHint: false }).map((item) => item.signal), ['write']);
  assert.deepEqual(annotationEvidence(undefined), []);
  assert.equal(annotationNotes({ idempotentHint: true, openWorldHint: true }).length, 2);
});

test('hints decide when nothing else does', () => {
  assert.equal(classifyTool({ name: 'health', annotations: { readOnlyHint: true } }).category, 'read');
  assert.equal(classifyTool({ name: 'widget', annotations: { readOnlyHint: false, destructiveHint: true } }).category, 'destructive');
});

test('a readOnlyHint on a tool that deletes is overruled and flagged', () => {
  const result = classifyTool({ name: 'delete_note', description: 'Delete a note', annotations: { readOnlyHint: true } });
  assert.equal(result.category, 'destructive');
  assert.ok(result.flags.some((flag) => flag.startsWith('annotation_contradiction: readOnlyHint is true but the tool destroys data')), result.flags.join('\n'));
});

test('destructiveHint false on a drop is flagged; destructiveHint true on a list is flagged', () => {
  const drop = classifyTool({ name: 'drop_table', annotations: { readOnlyHint: false, destructiveHint: false } });
  assert.equal(drop.category, 'destructive');
  assert.ok(drop.flags.some((flag) => flag.includes('destructiveHint is false')));
  const list = classifyTool({ name: 'list_contacts', description: 'List contacts', annotations: { destructiveHint: true } });
  assert.equal(list.category, 'read');
  assert.ok(list.flags.some((flag) => flag.includes('destructiveHint is true')));
});

test('agreeing hints raise no flag', () => {
  assert.deepEqual(annotationContradictions({ readOnlyHint: true }, 'read', undefined), []);
  assert.deepEqual(annotationContradictions({ destructiveHint: true }, 'destructive', undefined), []);
  assert.deepEqual(classifyTool({ name: 'get_user', annotations: { readOnlyHint: true } }).flags, []);
});
