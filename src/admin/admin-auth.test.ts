// The admin token check: only `Bearer <the exact token>` passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenCheck } from './admin-auth.js';

test('only the exact bearer token is accepted', () => {
  const check = createTokenCheck('s3cret-admin-token-123');
  assert.equal(check('Bearer s3cret-admin-token-123'), true);
  assert.equal(check('bearer s3cret-admin-token-123'), true);
  for (const header of [undefined, '', 'Bearer', 'Bearer ', 's3cret-admin-token-123', 'Basic s3cret-admin-token-123', 'Bearer s3cret-admin-token-12', 'Bearer s3cret-admin-token-1234', 'Bearer s3cret-admin-token-123 extra']) {
    assert.equal(check(header), false, String(header));
  }
});
