// SDK client → toolgate → server-filesystem (stdio) on a temp dir: reads allowed and real, writes
// denied with a reason and provably not done, moves hidden, a sub-directory fenced off by `deny_if`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectThroughGateway } from '../helpers/mcp-clients.js';
import { FILESYSTEM_SERVER } from '../helpers/paths.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const WRITE_REASON = 'this agent has read-only access to the workspace';
const SECRET_REASON = 'the secrets directory is off limits';

function policy(): unknown {
  const fenced = { deny_if: [{ path: 'args.path', op: 'regex', value: '/secrets(/|$)' }], reason: SECRET_REASON };
  return {
    version: '1',
    default: 'deny',
    hide: ['move_file'],
    tools: {
      read_text_file: fenced,
      read_file: fenced,
      list_directory: fenced,
      get_file_info: fenced,
      list_allowed_directories: {},
      write_file: { action: 'deny', reason: WRITE_REASON },
      edit_file: { action: 'deny', reason: WRITE_REASON },
    },
  };
}

function text(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first?.type === 'text' ? first.text : '';
}

describe('server-filesystem through the gateway', () => {
  let dir: TempDir;
  let root: string;
  let gateway: TestGateway;
  let client: Client;

  before(async () => {
    dir = makeTempDir('toolgate-fs');
    root = realpathSync(dir.path); // the server resolves symlinks (macOS /tmp, …)
    writeFileSync(join(root, 'notes.txt'), 'line one\nline two\n');
    mkdirSync(join(root, 'secrets'));
    writeFileSync(join(root, 'secrets', 'api-key.txt'), 'sk-do-not-leak');
    gateway = await startTestGateway({ servers: { files: { command: process.execPath, args: [FILESYSTEM_SERVER, root], policy: policy() } }, store: 'memory' });
    client = await gateway.connect('files', gateway.token(['files']));
  });
  after(async () => {
    await gateway?.stop();
    dir?.cleanup();
  });

  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

  test('tools/list hides move_file and keeps the rest', async () => {
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(!names.includes('move_file'));
    for (const name of ['read_text_file', 'write_file', 'list_directory', 'search_files']) assert.ok(names.includes(name), name);
  });

  test('reads return the real file contents', async () => {
    const read = await call('read_text_file', { path: join(root, 'notes.txt') });
    assert.equal(read.isError, undefined);
    assert.equal(text(read), 'line one\nline two\n');
    assert.deepEqual(read.structuredContent, { content: 'line one\nline two\n' });
    assert.equal(text(await call('read_text_file', { path: join(root, 'notes.txt'), head: 1 })), 'line one');
    const listing = text(await call('list_directory', { path: root }));
    assert.match(listing, /\[FILE\] notes\.txt/);
    assert.match(listing, /\[DIR\] secrets/);
  });

  test('a denied write answers with its reason and leaves the disk untouched', async () => {
    const target = join(root, 'notes.txt');
    const before = statSync(target).mtimeMs;
    const denied = await call('write_file', { path: target, content: 'overwritten' });
    assert.equal(denied.isError, true);
    assert.equal(text(denied), `[POLICY DENIED] ${WRITE_REASON}`);
    const created = await call('write_file', { path: join(root, 'new.txt'), content: 'hello' });
    assert.equal(created.isError, true);
    const edited = await call('edit_file', { path: target, edits: [{ oldText: 'line one', newText: 'line 1' }] });
    assert.equal(text(edited), `[POLICY DENIED] ${WRITE_REASON}`);

    assert.equal(readFileSync(target, 'utf8'), 'line one\nline two\n');
    assert.equal(statSync(target).mtimeMs, before);
    assert.equal(existsSync(join(root, 'new.txt')), false);
  });

  test('a hidden move is an unknown tool, and the file stays where it was', async () => {
    await assert.rejects(call('move_file', { source: join(root, 'notes.txt'), destination: join(root, 'moved.txt') }), (error: { code?: number }) => error.code === -32602);
    assert.ok(existsSync(join(root, 'notes.txt')));
    assert.equal(existsSync(join(root, 'moved.txt')), false);
  });

  test('deny_if with a regex on args.path fences off the secrets directory', async () => {
    for (const path of [join(root, 'secrets', 'api-key.txt'), `${root}/notes/../secrets/api-key.txt`, join(root, 'secrets')]) {
      const tool = path.endsWith('secrets') ? 'list_directory' : 'read_text_file';
      const denied = await call(tool, { path });
      assert.equal(denied.isError, true, `${tool} ${path}`);
      assert.equal(text(denied), `[POLICY DENIED] ${SECRET_REASON}`);
      assert.doesNotMatch(JSON.stringify(denied), /sk-do-not-leak|api-key/);
    }
    const info = await call('get_file_info', { path: join(root, 'notes.txt') });
    assert.equal(info.isError, undefined, 'paths outside the fence are still allowed');
  });

  test('the client\'s roots reach the server, which asks for them as soon as it is initialized', async () => {
    const workspace = join(root, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const rooted = await connectThroughGateway(gateway.url, 'files', gateway.token(['files']), {
      capabilities: { roots: {} },
      setup: (c) => c.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: pathToFileURL(workspace).href, name: 'workspace' }] })),
    });
    try {
      const deadline = Date.now() + 3_000;
      let allowed = '';
      while (!allowed.includes(workspace) && Date.now() < deadline) {
        allowed = text(await rooted.callTool({ name: 'list_allowed_directories', arguments: {} }));
        if (!allowed.includes(workspace)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(allowed, `Allowed directories:\n${workspace}`);
    } finally {
      await rooted.close();
    }
  });

  test('every decision is audited, with argument keys but not values', async () => {
    const events = await gateway.auditEvents();
    const write = events.find((event) => event.tool === 'write_file');
    assert.deepEqual([write?.decision, write?.upstreamStatus, write?.argKeys], ['deny', 'not_sent', ['path', 'content']]);
    assert.ok(!JSON.stringify(events).includes('overwritten'));
    const move = events.find((event) => event.tool === 'move_file');
    assert.equal(move?.rule, 'hide');
  });
});
