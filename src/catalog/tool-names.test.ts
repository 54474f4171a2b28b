// Tool names: the spec's character set and length, and names one server lists that collide once
// Unicode form, case and separators are set aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkToolNames, invalidNameReason, isNameFlag, nameFlag, nameKey } from './tool-names.js';

test('tool names: the spec\'s character set and 1–128 characters are valid', () => {
  for (const name of ['a', 'get_forecast', 'Delete-File.v2', 'x'.repeat(128), '0_9.-']) assert.equal(invalidNameReason(name), undefined, name);
});

test('tool names: an invalid name says which character, escaped, and where', () => {
  assert.equal(invalidNameReason('read file'), 'has " " (U+0020) at position 5, outside A–Z a–z 0–9 _ - .');
  assert.equal(invalidNameReason('naïve_tool'), 'has U+00EF at position 3, outside A–Z a–z 0–9 _ - .');
  assert.equal(invalidNameReason('a,b c'), 'has "," (U+002C) at position 2 (and 1 other such character), outside A–Z a–z 0–9 _ - .');
  // Invisible characters are named by code point only.
  assert.equal(invalidNameReason('ab\u200bc'), 'has U+200B at position 3, outside A–Z a–z 0–9 _ - .');
  assert.equal(invalidNameReason('tab\there'), 'has U+0009 at position 4, outside A–Z a–z 0–9 _ - .');
  assert.equal(invalidNameReason('x'.repeat(129)), 'is 129 characters long, over the limit of 128');
  assert.equal(invalidNameReason(''), 'is empty');
});

test('tool names: normalisation folds case, separators and Unicode compatibility forms', () => {
  assert.equal(nameKey('Delete-File'), nameKey('delete_file'));
  assert.equal(nameKey('delete.file'), nameKey('DELETE_FILE'));
  assert.equal(nameKey('ｄｅｌｅｔｅ_file'), nameKey('delete_file')); // fullwidth letters (NFKC)
  assert.equal(nameKey('STRASSE'), nameKey('straße'));
  assert.notEqual(nameKey('deletefile'), nameKey('delete_file'));
  assert.notEqual(nameKey('naïve'), nameKey('naive'));
});

test('tool names: collisions on one server name every other name; exact repeats are not collisions', () => {
  const problems = checkToolNames(['delete-file', 'delete_file', 'Delete_File', 'read_file', 'read_file', 'list']);
  assert.deepEqual([...problems.keys()], ['delete-file', 'delete_file', 'Delete_File']);
  assert.deepEqual(problems.get('delete-file'), [{ kind: 'name_collision', name: 'delete-file', others: ['delete_file', 'Delete_File'] }]);
  assert.equal(
    nameFlag(problems.get('Delete_File')![0]!),
    'name_collision: "Delete_File" is the same name as "delete-file", "delete_file" after normalisation (NFKC, case, - _ . alike)',
  );
});

test('tool names: a name can be both invalid and colliding; flags escape what is not plain ASCII', () => {
  const problems = checkToolNames(['ｒead', 'read']);
  const flags = (problems.get('ｒead') ?? []).map(nameFlag);
  assert.deepEqual(flags, [
    'invalid_name: name has U+FF52 at position 1, outside A–Z a–z 0–9 _ - .',
    'name_collision: "\\u{ff52}ead" is the same name as "read" after normalisation (NFKC, case, - _ . alike)',
  ]);
  assert.ok(flags.every(isNameFlag));
  assert.equal(isNameFlag('invisible_unicode: name has 1 tag characters'), false);
  assert.equal(checkToolNames(['a', 'b', 'c']).size, 0);
});
