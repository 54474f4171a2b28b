// Tool names through the real gateway: a server listing names outside the spec's character set, or
// names that collide after normalisation, has those tools flagged in the catalog, removed from
// tools/list and refused as unknown (rule catalog.name) without reaching it; matching stays exact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runCli } from '../helpers/cli-harness.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { createMutableTools, type MutableTools } from '../helpers/mutable-tools.js';
import { assertAllowed, assertUnknownTool, call, waitFor } from '../helpers/tool-calls.js';

const LONG = `t${'x'.repeat(128)}`;
const BAD = ['read file', 'naïve_tool', 'delete-file', 'delete_file', 'Delete_File', LONG];
const GOOD = 'list_dir';

describe('tool names: invalid and colliding names are flagged and refused', () => {
  let dir: string;
  let tools: MutableTools;
  let gw: TestGateway;
  let client: Client;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolgate-names-'));
    tools = createMutableTools(dir, [...BAD, GOOD].map((name) => ({ name, description: 'Do something with a file.' })));
    // The policy allows everything by name: the refusals come from the names alone.
    const policy = { version: '1', default: 'allow', tools: Object.fromEntries([...BAD, GOOD].map((name) => [name, {}])) };
    gw = await startTestGateway({ servers: { fs: tools.server(policy) } });
    await waitFor('the start-up listing', () => gw.gateway.catalog.knows('fs', GOOD));
    client = await gw.connect('fs', gw.token(['fs']));
  });
  after(async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('only the well-named tool is listed, and it works', async () => {
    assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name), [GOOD]);
    assertAllowed(await call(client, GOOD), `called ${GOOD}`);
    assert.equal(tools.calls(GOOD), 1);
  });

  test('each invalid or colliding tool is refused as unknown, audited, and never reaches the server', async () => {
    for (const name of BAD) await assertUnknownTool(call(client, name));
    // Other spellings of a listed tool are not matched to it.
    for (const name of ['List_Dir', 'list-dir', 'ｌist_dir']) await assertUnknownTool(call(client, name));
    for (const name of [...BAD, 'List_Dir', 'list-dir']) assert.equal(tools.calls(name), 0, name);
    assert.equal(tools.calls(GOOD), 1);

    const refusals = (await gw.auditEvents()).filter((event) => event.rule === 'catalog.name');
    assert.equal(refusals.length, BAD.length + 3);
    assert.ok(refusals.every((event) => event.decision === 'deny' && event.upstreamStatus === 'not_sent'), JSON.stringify(refusals));
    const reasonFor = (tool: string): string => refusals.find((event) => event.tool === tool)?.reason ?? '';
    assert.match(reasonFor('read file'), /^invalid_name: name has " " \(U\+0020\) at position 5/);
    assert.match(reasonFor('naïve_tool'), /^invalid_name: name has U\+00EF at position 3/);
    assert.match(reasonFor(LONG), /^invalid_name: name is 129 characters long/);
    assert.match(reasonFor('delete_file'), /^name_collision: "delete_file" is the same name as "delete-file", "Delete_File"/);
    assert.match(reasonFor('List_Dir'), /^name_collision: "List_Dir" is not listed, but is the same name as listed "list_dir"/);
  });

  test('toolgate catalog shows the name flags', async () => {
    const result = await runCli(['catalog', '--json', '--server', 'fs', '--data-dir', gw.dataDir]);
    assert.equal(result.exitCode, 0, result.stderr);
    const entries = JSON.parse(result.stdout) as Array<{ name: string; flags: string[] }>;
    const kinds = (name: string): string[] => (entries.find((entry) => entry.name === name)?.flags ?? []).map((flag) => flag.split(':')[0]!);
    assert.ok(!kinds(GOOD).some((kind) => kind === 'invalid_name' || kind === 'name_collision'), String(kinds(GOOD)));
    for (const name of ['read file', 'naïve_tool', LONG]) assert.ok(kinds(name).includes('invalid_name'), name);
    for (const name of ['delete-file', 'delete_file', 'Delete_File']) assert.ok(kinds(name).includes('name_collision'), name);
  });

  test('when the collision goes away, the remaining tool is listed again', async () => {
    tools.set([{ name: 'delete_file', description: 'Delete a file.' }, { name: GOOD, description: 'List a directory.' }]);
    await waitFor('delete_file released', async () => (await client.listTools()).tools.some((tool) => tool.name === 'delete_file'));
    assertAllowed(await call(client, 'delete_file'), 'called delete_file');
    await assertUnknownTool(call(client, 'Delete_File'));
    assert.equal(tools.calls('Delete_File'), 0);
  });
});
