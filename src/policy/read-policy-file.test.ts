// Reading policy files: JSON and YAML by extension, syntax errors and duplicate keys with
// file:line:column, and unreadable files.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicyText, PolicyFileError, readPolicyFile } from './read-policy-file.js';
import { validatePolicy } from './validate-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'toolgate-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<PolicyFileError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PolicyFileError, String(error));
    return error;
  }
  assert.fail('expected a PolicyFileError');
}

const YAML_POLICY = `# payments server
version: "1"
default: deny
hide: [admin_reset]
tools:
  get_balance: {}
  send_payment:
    rate_limit: 10/minute
    limits:
      - counter: daily_spend
        window: day
        max: 1000
        increment_from: args.amount
    approve_if:
      - { path: args.amount, op: gt, value: 100 }
`;

describe('readPolicyFile', () => {
  test('reads YAML (.yaml and .yml) into a policy that validates', async () => {
    for (const name of ['p.yaml', 'p.yml']) {
      const result = validatePolicy(await readPolicyFile(write(name, YAML_POLICY)));
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.policy?.hide, ['admin_reset']);
      assert.deepEqual(result.policy?.tools['send_payment']?.limits.map((limit) => limit.counter), ['daily_spend', 'send_payment__rate_limit']);
      assert.equal(result.policy?.tools['send_payment']?.approveIf[0]?.value, 100);
    }
  });

  test('reads JSON, with a byte-order mark', async () => {
    const raw = await readPolicyFile(write('p.json', '\uFEFF{"version": "1", "default": "allow"}'));
    assert.deepEqual(raw, { version: '1', default: 'allow' });
  });

  test('a file with another extension is tried as JSON, then YAML', async () => {
    assert.deepEqual(await readPolicyFile(write('policy', '{"version": "1"}')), { version: '1' });
    assert.deepEqual(await readPolicyFile(write('policy.conf', 'version: "1"\ndefault: allow\n')), { version: '1', default: 'allow' });
  });

  test('a JSON syntax error names file, line and column', async () => {
    const path = write('bad.json', '{\n  "version": "1",\n  "tools": {\n    "a": {},\n  }\n}\n');
    const error = await failure(readPolicyFile(path));
    assert.equal(error.code, 'POLICY_FILE_SYNTAX');
    assert.equal(error.line, 5);
    assert.equal(error.column, 3);
    assert.match(error.message, new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}:5:3: \\S`));
  });

  test('a truncated JSON file points at its end', async () => {
    const error = await failure(readPolicyFile(write('short.json', '{\n  "version": "1",\n')));
    assert.equal(error.line, 3);
    assert.equal(error.column, 1);
  });

  test('a YAML syntax error names file, line and column', async () => {
    const error = await failure(readPolicyFile(write('bad.yaml', 'version: "1"\ntools:\n  a: [1,\n')));
    assert.equal(error.code, 'POLICY_FILE_SYNTAX');
    assert.ok(error.message.startsWith(`${join(dir, 'bad.yaml')}:${error.line}:${error.column}: `), error.message);
    assert.ok((error.line ?? 0) >= 3, error.message);
  });

  test('a duplicate key is an error in JSON and YAML, not a silent override', async () => {
    const json = await failure(readPolicyFile(write('dup.json', '{"version": "1",\n "tools": {"a": {"action": "deny", "action": "allow"}}}')));
    assert.equal(json.message, `${join(dir, 'dup.json')}:2:36: duplicate key "action"`);
    const yaml = await failure(readPolicyFile(write('dup.yaml', 'version: "1"\ntools:\n  a: { action: deny }\n  a: {}\n')));
    assert.equal(yaml.line, 4);
    assert.match(yaml.message, /:4:3: Map keys must be unique/);
  });

  test('equal keys in different objects are fine', () => {
    assert.deepEqual(parsePolicyText('{"a": {"x": 1}, "b": {"x": "\\"x\\""}, "c": [{"x": 1}, {"x": 2}]}', 'p.json'), {
      a: { x: 1 },
      b: { x: '"x"' },
      c: [{ x: 1 }, { x: 2 }],
    });
  });

  test('a missing file is reported as unreadable', async () => {
    const path = join(dir, 'nope.json');
    const error = await failure(readPolicyFile(path));
    assert.equal(error.code, 'POLICY_FILE_UNREADABLE');
    assert.equal(error.message, `cannot read ${path}: no such file`);
  });

  test('YAML numbers stay numbers, so version: 1 gets its helpful message', () => {
    const result = validatePolicy(parsePolicyText('version: 1\ndefault: deny\n', 'p.yaml'));
    assert.deepEqual(result.errors, [
      { path: 'version', message: 'must be the string "1", not the number 1 (write "version": "1")' },
    ]);
  });
});
