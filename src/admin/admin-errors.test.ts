// Pins the admin API's error table, and checks that docs/errors.md lists every code with its status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN_ERRORS } from './admin-server.js';

test('the admin API error codes and their HTTP statuses', () => {
  assert.deepEqual(ADMIN_ERRORS, { UNAUTHORIZED: 401, INVALID_REQUEST: 400, NOT_FOUND: 404, ALREADY_DECIDED: 409, INTERNAL: 500 });
});

test('docs/errors.md lists every admin API error with its status', () => {
  const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Admin API'));
  for (const [code, status] of Object.entries(ADMIN_ERRORS)) {
    assert.match(section, new RegExp(`^\\| ${status} \\| \`${code}\` \\|`, 'm'), `docs/errors.md (Admin API) has no row for ${code} with ${status}`);
  }
});
