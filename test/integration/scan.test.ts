// `toolgate scan` and `toolgate classify` as an operator runs them: real processes against the
// demo MLflow server, the reference servers (everything, filesystem), a paginating server, and
// toolgate's own gateway over HTTP with a bearer header.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RecommendedPolicy } from '../../src/catalog/recommend-policy.js';
import type { ToolClassification } from '../../src/catalog/tool-types.js';
import { validatePolicy } from '../../src/policy/validate-policy.js';
import { MLFLOW_TOOLS } from '../../examples/mlflow/tool-definitions.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { DIST, EVERYTHING_SERVER, EXAMPLE_CONFIG, FILESYSTEM_SERVER, MLFLOW_SERVER, REPO_ROOT, TOOLGATE_CLI } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const PAGED_SERVER = join(DIST, 'test', 'fixtures', 'paged-tools-server.js');
const DELETES = ['delete_model_alias', 'delete_model_version', 'delete_registered_model', 'delete_run', 'delete_experiment'];

interface ScanJson {
  server: string;
  tools: ToolClassification[];
  policy: RecommendedPolicy;
}

async function toolgate(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TOOLGATE_CLI, ...args], { cwd: REPO_ROOT, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: typeof failed.code === 'number' ? failed.code : 1 };
  }
}

async function scanJson(args: string[]): Promise<ScanJson> {
  const result = await toolgate(['scan', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ScanJson;
}

function categories(scan: ScanJson): Record<string, string> {
  return Object.fromEntries(scan.tools.map((tool) => [tool.name, tool.category]));
}

function assertValid(policy: unknown): void {
  const { errors } = validatePolicy(policy);
  assert.deepEqual(errors, []);
}

describe('toolgate scan', () => {
  let temp: TempDir;
  before(() => {
    temp = makeTempDir('toolgate-scan');
  });
  after(() => temp.cleanup());

  test('the demo MLflow server: five deletes hidden, reads allowed, writes limited, and the file validates', async () => {
    const output = join(temp.path, 'mlflow-policy.json');
    const scan = await scanJson(['-o', output, '--', process.execPath, MLFLOW_SERVER]);
    assert.equal(scan.tools.length, MLFLOW_TOOLS.length);
    const { policy } = scan;
    assert.equal(policy.default, 'deny');
    assert.deepEqual([...policy.hide].sort(), [...DELETES].sort());
    for (const tool of MLFLOW_TOOLS) {
      if (DELETES.includes(tool.name)) {
        assert.equal(policy.tools[tool.name], undefined, tool.name);
      } else if (tool.annotations?.readOnlyHint === true) {
        assert.deepEqual(policy.tools[tool.name], {}, `${tool.name} should be allowed`);
      } else {
        assert.deepEqual(policy.tools[tool.name], { limits: [{ counter: `${tool.name}_rate`, window: 'minute', max: 30, scope: 'grant' }] }, `${tool.name} should be limited`);
      }
    }
    const written = JSON.parse(readFileSync(output, 'utf8')) as unknown;
    assert.deepEqual(written, policy);
    assertValid(written);
    const validated = await toolgate(['validate', output]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /^ok: /);
  });

  test('a configured server by name, with the human table and the policy printed', async () => {
    const result = await toolgate(['scan', '-c', EXAMPLE_CONFIG, '--server', 'mlflow']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^server mlflow: 40 tools \(27 read, 8 write, 0 execute, 5 destructive, 0 financial\)/);
    assert.match(result.stdout, /NAME\s+CATEGORY\s+RISK\s+CONFIDENCE\s+TOP REASON\s+FLAGS/);
    assert.match(result.stdout, /\ndelete_run\s+destructive\s+critical\s+0\.\d\d\s+/);
    assert.match(result.stdout, /recommended policy: default deny; 27 allowed, 8 rate-limited, 0 need approval, 5 hidden/);
    const policyText = result.stdout.slice(result.stdout.indexOf('\n{') + 1);
    assertValid(JSON.parse(policyText));
  });

  test('server-everything: lookups read, toggles write, nothing hidden, and the output validates', async () => {
    const scan = await scanJson(['--', process.execPath, EVERYTHING_SERVER]);
    const found = categories(scan);
    for (const name of Object.keys(found).filter((tool) => tool.startsWith('get-'))) assert.equal(found[name], 'read', name);
    for (const name of Object.keys(found).filter((tool) => tool.startsWith('toggle-'))) assert.equal(found[name], 'write', name);
    assert.equal(found['echo'], 'read');
    assert.deepEqual(scan.policy.hide, []);
    // get-env shows the server's environment: a read, but of secrets.
    assert.equal(scan.tools.find((tool) => tool.name === 'get-env')?.risk, 'medium');
    assertValid(scan.policy);
  });

  test('server-filesystem: reads read, write_file and edit_file write, move_file write (it refuses to overwrite)', async () => {
    const scan = await scanJson(['--', process.execPath, FILESYSTEM_SERVER, temp.path]);
    const found = categories(scan);
    for (const name of ['read_file', 'read_text_file', 'read_media_file', 'read_multiple_files', 'list_directory', 'directory_tree', 'search_files', 'get_file_info', 'list_allowed_directories']) {
      assert.equal(found[name], 'read', name);
      assert.deepEqual(scan.policy.tools[name], {}, name);
    }
    for (const name of ['write_file', 'edit_file', 'create_directory', 'move_file']) assert.equal(found[name], 'write', name);
    assertValid(scan.policy);
  });

  test('every page of tools/list is followed; a lying hint is flagged, a poisoned definition hidden', async () => {
    const scan = await scanJson(['--', process.execPath, PAGED_SERVER]);
    assert.equal(scan.server, 'paged-tools-server');
    assert.deepEqual(categories(scan), {
      list_notes: 'read',
      create_note: 'write',
      delete_note: 'destructive',
      tip_author: 'financial',
      run_macro: 'execute',
      note_stats: 'read',
    });
    const deleteNote = scan.tools.find((tool) => tool.name === 'delete_note');
    assert.ok(deleteNote?.flags.some((flag) => flag.startsWith('annotation_contradiction: readOnlyHint')));
    const stats = scan.tools.find((tool) => tool.name === 'note_stats');
    assert.ok(stats?.flags.some((flag) => flag.startsWith('model_instruction:')));
    assert.deepEqual(scan.policy.hide, ['delete_note', 'note_stats']);
    assert.deepEqual(scan.policy.tools['tip_author'], { action: 'require_approval' });
    assert.deepEqual(scan.policy.tools['run_macro'], { limits: [{ counter: 'run_macro_rate', window: 'minute', max: 10, scope: 'grant' }] });
    assertValid(scan.policy);
  });

  test('the human output spells out every flag', async () => {
    const result = await toolgate(['scan', '--', process.execPath, PAGED_SERVER]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /flag: note_stats: model_instruction: description has a hidden-instruction block/);
    assert.match(result.stdout, /flag: delete_note: annotation_contradiction: readOnlyHint is true but the tool destroys data/);
  });

  test('bad invocations say what is wrong and exit 1', async () => {
    const none = await toolgate(['scan']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /give exactly one of/);
    const missing = await toolgate(['scan', '--', join(temp.path, 'no-such-server')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: cannot list the tools of /);
    const header = await toolgate(['scan', '--url', 'http://127.0.0.1:1/mcp', '--header', 'no colon']);
    assert.equal(header.code, 1);
    assert.match(header.stderr, /--header: expected 'Name: value'/);
  });
});

describe('toolgate scan --url, through the gateway itself', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ servers: { mlflow: { command: process.execPath, args: [MLFLOW_SERVER], policy: join(REPO_ROOT, 'examples', 'policies', 'mlflow.json') } } });
  });
  after(() => gateway.stop());

  test('with the bearer header it sees what an agent sees: 35 tools, no deletes', async () => {
    const url = `${gateway.url}/mcp/mlflow`;
    const scan = await scanJson(['--url', url, '--header', `Authorization: Bearer ${gateway.token(['mlflow'])}`]);
    assert.equal(scan.tools.length, 35);
    assert.ok(scan.tools.every((tool) => tool.category !== 'destructive'));
    assertValid(scan.policy);
  });

  test('without it the gateway refuses, and scan says so', async () => {
    const result = await toolgate(['scan', '--url', `${gateway.url}/mcp/mlflow`]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: cannot list the tools of http:\/\/127\.0\.0\.1:\d+\/mcp\/mlflow: /);
  });
});

describe('toolgate classify', () => {
  let temp: TempDir;
  before(() => {
    temp = makeTempDir('toolgate-classify');
  });
  after(() => temp.cleanup());

  test('--json prints {name, category, risk, confidence, reasons, flags} for {"tools": [...]} and a bare array', async () => {
    const wrapped = join(temp.path, 'tools.json');
    const bare = join(temp.path, 'bare.json');
    writeFileSync(wrapped, JSON.stringify({ tools: MLFLOW_TOOLS }));
    writeFileSync(bare, JSON.stringify(MLFLOW_TOOLS));
    for (const file of [wrapped, bare]) {
      const result = await toolgate(['classify', file, '--json']);
      assert.equal(result.code, 0, result.stderr);
      const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      assert.equal(entries.length, MLFLOW_TOOLS.length);
      assert.deepEqual(Object.keys(entries[0] ?? {}), ['name', 'category', 'risk', 'confidence', 'reasons', 'flags']);
      assert.deepEqual(entries.filter((entry) => entry['category'] === 'destructive').map((entry) => entry['name']).sort(), [...DELETES].sort());
    }
  });

  test('the table by default; a malformed file is refused with the path of each problem', async () => {
    const file = join(temp.path, 'tools.json');
    writeFileSync(file, JSON.stringify({ tools: [{ name: 'drop_table' }, { name: 'get_row' }] }));
    const table = await toolgate(['classify', file]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /drop_table\s+destructive\s+critical/);
    assert.match(table.stdout, /2 tools: 1 read, 0 write, 0 execute, 1 destructive, 0 financial/);
    const broken = join(temp.path, 'broken.json');
    writeFileSync(broken, JSON.stringify({ tools: [{ description: 'no name' }] }));
    const refused = await toolgate(['classify', broken]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /tools\[0\]\.name: must be a non-empty string/);
  });
});
