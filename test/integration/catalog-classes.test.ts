// Class policies through the real gateway: tools with no entry of their own are governed by their
// class from the catalog, including a destructive tool the server adds while clients are connected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startApprovalGateway } from '../helpers/approval-gateway.js';
import { runCli } from '../helpers/cli-harness.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { createMutableTools, type MutableTools, type ToolSpec } from '../helpers/mutable-tools.js';
import { assertAllowed, assertDenied, assertRateLimited, call, metaOf, textOf, waitFor } from '../helpers/tool-calls.js';

const READ: ToolSpec = { name: 'list_notes', description: 'List the titles of all notes.', annotations: { readOnlyHint: true } };
const WRITE: ToolSpec = {
  name: 'create_note',
  description: 'Create a new note with a title and body.',
  inputSchema: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } } },
};
const RUN: ToolSpec = { name: 'run_shell_command', description: 'Run a shell command on the host and return its output.', inputSchema: { type: 'object', properties: { command: { type: 'string' } } } };
const DESTROY: ToolSpec = { name: 'delete_all_notes', description: 'Permanently delete every note. This cannot be undone.', annotations: { destructiveHint: true } };

const policy = {
  version: '1',
  default: 'deny',
  tools: { create_note: { rate_limit: '3/minute' } },
  classes: {
    read: {},
    write: { rate_limit: '2/minute' },
    destructive: { action: 'deny', reason: 'destructive tools need a human' },
  },
};

describe('catalog: class policies', () => {
  let dir: string;
  let tools: MutableTools;
  let gw: TestGateway;
  let client: Client;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolgate-classes-'));
    const edit: ToolSpec = { name: 'rename_note', description: 'Rename a note.', inputSchema: { type: 'object', properties: { title: { type: 'string' } } } };
    tools = createMutableTools(dir, [READ, WRITE, edit, RUN]);
    gw = await startTestGateway({ servers: { notes: tools.server(policy) } });
    await waitFor('the start-up listing', () => gw.gateway.catalog.knows('notes', 'run_shell_command'));
    client = await gw.connect('notes', gw.token(['notes']));
  });
  after(async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a read tool with no entry of its own is allowed by classes.read, under default deny', async () => {
    assert.equal(gw.gateway.catalog.classOf('notes', 'list_notes'), 'read');
    assertAllowed(await call(client, 'list_notes'), 'called list_notes');
  });

  test('a write tool is limited by classes.write, per tool; a tool with its own entry uses only its own', async () => {
    assert.equal(gw.gateway.catalog.classOf('notes', 'rename_note'), 'write');
    assertAllowed(await call(client, 'rename_note'));
    assertAllowed(await call(client, 'rename_note'));
    assertRateLimited(await call(client, 'rename_note'), 'classes.write.rate_limit');
    assert.equal(tools.calls('rename_note'), 2);
    // create_note is a write too, but its own entry (3/minute) applies, on its own counter.
    for (let i = 0; i < 3; i++) assertAllowed(await call(client, 'create_note'));
    assertRateLimited(await call(client, 'create_note'), 'tools.create_note.rate_limit');
  });

  test('a class without an entry falls to the default', async () => {
    assert.equal(gw.gateway.catalog.classOf('notes', 'run_shell_command'), 'execute');
    assertDenied(await call(client, 'run_shell_command', { command: 'ls' }), 'default');
    assert.equal(tools.calls('run_shell_command'), 0);
  });

  test('a destructive tool the server adds is governed by its class the moment it appears', async () => {
    // Before the catalog has it, its class is unknown: refused (fail closed), never judged by the default.
    assertDenied(await call(client, 'delete_all_notes'), 'catalog.unknown');
    tools.set([READ, WRITE, RUN, DESTROY]);
    // The server announces list_changed; the gateway lists the tools again on its own connection.
    await waitFor('the new tool in the catalog', () => gw.gateway.catalog.classOf('notes', 'delete_all_notes') === 'destructive');
    assertDenied(await call(client, 'delete_all_notes'), 'classes.destructive.action', 'destructive tools need a human');
    assert.equal(tools.calls('delete_all_notes'), 0);
    // The client still sees the tool (classes govern calls; hide governs listing).
    const listed = await client.listTools();
    assert.ok(listed.tools.some((tool) => tool.name === 'delete_all_notes'));
    const audit = await gw.auditEvents();
    assert.ok(audit.some((event) => event.tool === 'delete_all_notes' && event.rule === 'catalog.new' && event.decision === 'allow'));
  });
});

describe('catalog: a class entry that asks for approval', () => {
  test('a destructive tool added at runtime waits for a human by class; approved, the retry runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-classes-'));
    const tools = createMutableTools(dir, [READ]);
    const gw = await startApprovalGateway({
      servers: { notes: tools.server({ version: '1', default: 'deny', classes: { read: {}, destructive: { action: 'require_approval', reason: 'destroys notes' } } }) },
      holdMs: 100,
    });
    try {
      await waitFor('the start-up listing', () => gw.gateway.catalog.knows('notes', 'list_notes'));
      const client = await gw.connect('notes', gw.token(['notes']));
      tools.set([READ, DESTROY]);
      await waitFor('the new tool in the catalog', () => gw.gateway.catalog.classOf('notes', 'delete_all_notes') === 'destructive');
      const pending = await call(client, 'delete_all_notes');
      assert.equal(pending.isError, true);
      assert.match(textOf(pending), /^\[APPROVAL PENDING\] approval apr_/);
      const meta = metaOf(pending);
      assert.equal(meta?.rule, 'classes.destructive.action');
      assert.equal(tools.calls('delete_all_notes'), 0);
      // The approver is shown the risk class the catalog gave the tool.
      const shown = await runCli(['approvals', 'show', meta!.approvalId!, '--data-dir', gw.dataDir, '--json']);
      assert.equal(shown.exitCode, 0, shown.stderr);
      assert.equal((JSON.parse(shown.stdout) as { riskClass?: string }).riskClass, 'destructive');
      const approved = await runCli(['approvals', 'approve', meta!.approvalId!, '--data-dir', gw.dataDir, '--by', 'ops']);
      assert.equal(approved.exitCode, 0, approved.stderr);
      assertAllowed(await call(client, 'delete_all_notes'), 'called delete_all_notes');
      assert.equal(tools.calls('delete_all_notes'), 1);
    } finally {
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
