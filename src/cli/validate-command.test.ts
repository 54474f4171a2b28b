// `toolgate validate`: what the operator reads and the exit code, for valid, invalid and unreadable files.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerValidateCommand } from './validate-command.js';

const dir = mkdtempSync(join(tmpdir(), 'toolgate-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = 0;
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const program = new Command('toolgate').exitOverride();
  program.configureOutput({ writeOut: (text) => void (out += text), writeErr: (text) => void (err += text) });
  registerValidateCommand(program);
  process.exitCode = 0;
  await program.parseAsync(['validate', ...args], { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, exitCode };
}

const SEED = '{"version": "1", "default": "deny", "tools": {"get_model_versions": {}}}';

describe('toolgate validate', () => {
  test('a valid policy prints ok and exits 0', async () => {
    const path = write('seed.json', SEED);
    assert.deepEqual(await run(path), { out: `ok: ${path}\n`, err: '', exitCode: 0 });
  });

  test('warnings are printed with their path after ok', async () => {
    const path = write('warn.yaml', 'version: "1"\ntools:\n  a: { limits: [{ counter: c, window: minute, max: 1, scope: session }] }\n');
    const result = await run(path);
    assert.equal(result.exitCode, 0);
    assert.equal(
      result.out,
      `ok: ${path}\n` +
        'warning: default: not set; calls to tools not listed under "tools" are denied\n' +
        'warning: tools.a.limits[0].scope: scope: "session" counts per grant for 2026-07-28 (stateless) clients, which have no sessions\n',
    );
  });

  test('an invalid policy prints every error to stderr and exits 1', async () => {
    const path = write('bad.json', '{"version": 1, "tools": {"send_payment": {"limits": [{"counter": "c", "window": "week", "max": 1}]}}}');
    const result = await run(path);
    assert.equal(result.exitCode, 1);
    assert.equal(result.err,
      'error: version: must be the string "1", not the number 1 (write "version": "1")\n' +
        'error: tools.send_payment.limits[0].window: must be "second", "minute", "hour", "day" or a positive number of seconds\n');
    assert.doesNotMatch(result.out, /^ok/);
  });

  test('bad syntax and unreadable files exit 1 with a clear message', async () => {
    const syntax = await run(write('syntax.json', '{"version": "1",}'));
    assert.equal(syntax.exitCode, 1);
    assert.match(syntax.err, /^error: .*syntax\.json:1:17: /);
    const missing = await run(join(dir, 'missing.yaml'));
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.err, `error: cannot read ${join(dir, 'missing.yaml')}: no such file\n`);
  });

  test('--json prints {valid, errors, warnings}', async () => {
    const good = await run(write('good.json', SEED), '--json');
    assert.deepEqual(JSON.parse(good.out), { valid: true, errors: [], warnings: [] });
    assert.equal(good.exitCode, 0);
    const bad = await run(write('bad2.json', '{"version": "1", "default": "maybe"}'), '--json');
    assert.deepEqual(JSON.parse(bad.out), {
      valid: false,
      errors: [{ path: 'default', message: 'must be "allow" or "deny"' }],
      warnings: [],
    });
    assert.equal(bad.exitCode, 1);
  });
});
