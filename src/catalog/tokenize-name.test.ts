// The tokenizer: every naming style a server uses comes out as the same lower-case words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stemCandidates, tokenizeName, tokenizeText } from './tokenize-name.js';

const CASES: Array<[string, string[]]> = [
  ['delete_model_version', ['delete', 'model', 'version']],
  ['deleteModelVersion', ['delete', 'model', 'version']],
  ['DeleteModelVersion', ['delete', 'model', 'version']],
  ['delete-model-version', ['delete', 'model', 'version']],
  ['gitlab.retryPipeline', ['gitlab', 'retry', 'pipeline']],
  ['files/delete', ['files', 'delete']],
  ['getHTTPServer', ['get', 'http', 'server']],
  ['get_S3Object', ['get', 's3', 'object']],
  ['SCREAMING_CASE_NAME', ['screaming', 'case', 'name']],
  ['  spaced name  ', ['spaced', 'name']],
  ['ec2_terminate_instances', ['ec2', 'terminate', 'instances']],
];

for (const [name, words] of CASES) {
  test(`tokenizeName(${JSON.stringify(name)})`, () => {
    assert.deepEqual(tokenizeName(name), words);
  });
}

test('fullwidth and compatibility characters are normalised before splitting', () => {
  assert.deepEqual(tokenizeName('ｄｅｌｅｔｅ_file'), ['delete', 'file']);
});

test('prose keeps apostrophes inside words and drops punctuation', () => {
  assert.deepEqual(tokenizeText("Don't delete: it's gone!"), ["don't", 'delete', "it's", 'gone']);
});

test('stems cover plurals and third-person forms', () => {
  assert.ok(stemCandidates('deletes').includes('delete'));
  assert.ok(stemCandidates('queries').includes('query'));
  assert.ok(stemCandidates('pushes').includes('push'));
  assert.ok(stemCandidates('runs').includes('run'));
});
