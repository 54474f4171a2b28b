// The approval flow in the real programs: `toolgate serve` with the admin API, decisions made by
// `toolgate approvals` in another process (the held call notices), a stop while a call is held,
// and `toolgate wrap` with approvals decided through --data-dir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Approval } from '../../src/approvals/approval-store.js';
import { COUNTING_SERVER, TOOLGATE_CLI } from '../helpers/paths.js';
import { runToolgate, type CliRun } from '../helpers/run-toolgate.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { assertAllowed, call, createCallLog, writeCountingConfig, metaOf, textOf, waitFor, type CallLog } from '../helpers/tool-calls.js';

const POLICY = { version: '1', default: 'allow', tools: { delete_everything: { action: 'require_approval', reason: 'a human must confirm a wipe' } } };
const ADMIN_TOKEN = 'serve-admin-token-0123456789';

// Every command reads the whole config, so the variables it names must be set.
const toolgate = (args: readonly string[]): Promise<CliRun> => runToolgate(args, { TOOLGATE_ADMIN_TOKEN: ADMIN_TOKEN });

let dir: TempDir;
let log: CallLog;
let config: string;

before(() => {
  dir = makeTempDir('approvals-serve');
  log = createCallLog(dir.path);
  config = writeCountingConfig(dir.path, log, POLICY, ['approvals: { holdSeconds: 20 }', 'admin: { listen: "127.0.0.1:0", token: "${TOOLGATE_ADMIN_TOKEN}" }']);
});
after(() => dir.cleanup());

async function pendingApprovals(): Promise<Approval[]> {
  const run = await toolgate(['approvals', 'list', '--json', '-c', config]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Approval[];
}

describe('toolgate serve with approvals', () => {
  let server: ChildProcess;
  let exited: Promise<number | null>;
  let url = '';
  let adminUrl = '';
  let token = '';
  let stderr = '';

  before(async () => {
    server = spawn(process.execPath, [TOOLGATE_CLI, 'serve', '-c', config, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TOOLGATE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
    let stdout = '';
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const printed = await waitFor('the listening lines', () => /count: (\S+)\nadmin API on (http:\/\/127\.0\.0\.1:\d+)\/api\/approvals\n/.exec(stdout) ?? undefined, 10_000);
    url = printed[1]!;
    adminUrl = printed[2]!;
    const created = await toolgate(['grants', 'create', '--name', 'wiper', '--servers', 'count', '--json', '-c', config]);
    token = (JSON.parse(created.stdout) as { token: string }).token;
  });
  after(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });

  async function connect(): Promise<Client> {
    const client = new Client({ name: 'approvals-serve-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    return client;
  }

  test('a held call is approved by `toolgate approvals approve` in another process, and runs', async () => {
    const client = await connect();
    const started = Date.now();
    const held = call(client, 'delete_everything', { scope: 'tmp' });
    const [approval] = await waitFor('a pending approval', async () => {
      const found = await pendingApprovals();
      return found.length > 0 ? found : undefined;
    });
    assert.equal(approval!.grantName, 'wiper');
    const approved = await toolgate(['approvals', 'approve', approval!.id, '--by', 'operator', '-c', config]);
    assert.equal(approved.code, 0, approved.stderr);
    assertAllowed(await held, 'deleted everything');
    assert.ok(Date.now() - started < 15_000, 'answered within the hold');
    assert.equal(log.count('delete_everything'), 1);
    await client.close();
  });

  test('the admin API of the real process needs its token', async () => {
    assert.equal((await fetch(`${adminUrl}/api/approvals`)).status, 401);
    const listed = await fetch(`${adminUrl}/api/approvals?status=used`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(listed.status, 200);
    assert.equal(((await listed.json()) as { approvals: Approval[] }).approvals.length, 1);
  });

  test('SIGTERM while a call is held: it is answered "pending" at once, and the approval stays pending', async () => {
    const client = await connect();
    const held = call(client, 'delete_everything', { scope: 'all' });
    await waitFor('a pending approval', async () => ((await pendingApprovals()).length > 0 ? true : undefined));
    const stopping = Date.now();
    server.kill('SIGTERM');
    const result = await held;
    assert.match(textOf(result), /^\[APPROVAL PENDING\] approval apr_/);
    assert.equal(await exited, 0, stderr);
    assert.ok(Date.now() - stopping < 5_000, 'the stop did not wait out the hold');
    assert.deepEqual((await pendingApprovals()).map((a) => a.id), [metaOf(result)!.approvalId]);
  });
});

describe('toolgate wrap with approvals', () => {
  test('pending over stdio, approved with `approvals approve --data-dir`, then the retry runs', async () => {
    const dataDir = join(dir.path, 'wrap-data');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [TOOLGATE_CLI, 'wrap', '-p', join(dir.path, 'policy.json'), '--data-dir', dataDir, '--hold-seconds', '0', '--', process.execPath, COUNTING_SERVER],
      env: { ...getDefaultEnvironment(), COUNTING_SERVER_LOG: log.path },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'approvals-wrap-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const before = log.count('delete_everything');
      const pending = await call(client, 'delete_everything', { scope: 'desk' });
      const id = metaOf(pending)?.approvalId;
      assert.match(textOf(pending), /^\[APPROVAL PENDING\] /);
      const approved = await toolgate(['approvals', 'approve', id!, '--data-dir', dataDir]);
      assert.equal(approved.code, 0, approved.stderr);
      assertAllowed(await call(client, 'delete_everything', { scope: 'desk' }), 'deleted everything');
      assert.equal(log.count('delete_everything'), before + 1);
    } finally {
      await client.close();
    }
  });
});
