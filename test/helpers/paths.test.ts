// The shared paths point at real files, so a broken layout fails here and not deep inside a test.
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFORMANCE_SERVER, COUNTING_SERVER, EVERYTHING_SERVER, EXAMPLE_CONFIG, EXAMPLE_MLFLOW_POLICY, FILESYSTEM_SERVER, MLFLOW_SERVER, REPO_ROOT } from './paths.js';

test('shared paths exist', () => {
  for (const path of [REPO_ROOT, MLFLOW_SERVER, COUNTING_SERVER, CONFORMANCE_SERVER, EVERYTHING_SERVER, FILESYSTEM_SERVER, EXAMPLE_CONFIG, EXAMPLE_MLFLOW_POLICY]) {
    assert.ok(existsSync(path), `${path} is missing`);
  }
});
