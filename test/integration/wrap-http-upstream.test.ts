// `toolgate wrap --url URL`: a desktop client's stdio server in front of an HTTP server (Streamable
// HTTP, or legacy HTTP+SSE found by `auto` or named by `--transport sse`). The server's questions
// to the client (sampling, elicitation, roots, both ways an SDK server asks) reach the client the
// moment it has connected, and its answers come back; the policy still decides every call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { answeringClient, ASKING_TOOLS, expectAnswered } from '../helpers/answering-client.js';
import { textOf } from '../helpers/tool-calls.js';
import { newClient } from '../helpers/mcp-clients.js';
import { ASKING_SERVER, TOOLGATE_CLI } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const POLICY = { version: '1', default: 'allow', tools: { notify_on_stream: { action: 'deny', reason: 'not from the desktop' } } };
/** Fresh wrappers per upstream: each starts with a different tool, called at once. */
const STARTS = ASKING_TOOLS.length;

describe('toolgate wrap --url: questions from an HTTP server reach the stdio client', { timeout: 3 * 60_000 }, () => {
  let dir: TempDir;
  let policyFile: string;
  let streamable: HttpFixture;
  let legacySse: HttpFixture;

  before(async () => {
    dir = makeTempDir('wrap-url');
    policyFile = join(dir.path, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(POLICY));
    streamable = await startHttpFixture(process.execPath, [ASKING_SERVER, '--http', '0']);
    legacySse = await startHttpFixture(process.execPath, [ASKING_SERVER, '--sse', '0']);
  });
  after(async () => {
    await streamable?.stop();
    await legacySse?.stop();
    dir?.cleanup();
  });

  const upstreams = [
    { label: 'Streamable HTTP', url: () => streamable.url, flags: [] as string[] },
    { label: 'legacy HTTP+SSE (auto)', url: () => legacySse.url, flags: [] as string[] },
    { label: 'legacy HTTP+SSE (--transport sse)', url: () => legacySse.url, flags: ['--transport', 'sse'] },
  ];
  for (const upstream of upstreams) {
    test(`${upstream.label}: every ask is answered, the first right after connecting; denials still hold`, async () => {
      for (let start = 0; start < STARTS; start += 1) {
        const label = `desktop-${start}`;
        const client = newClient(answeringClient(label).setup);
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [TOOLGATE_CLI, 'wrap', '-p', policyFile, '--data-dir', join(dir.path, 'data'), '--url', upstream.url(), ...upstream.flags],
          env: getDefaultEnvironment(),
          stderr: 'pipe',
        });
        await client.connect(transport);
        try {
          // A different tool goes first each time.
          const tools = [...ASKING_TOOLS.slice(start), ...ASKING_TOOLS.slice(0, start)];
          for (const { tool, answer } of tools) await expectAnswered(client, tool, answer(label), `${upstream.label}, start ${start}`);
          const denied = await client.callTool({ name: 'notify_on_stream', arguments: {} });
          assert.deepEqual([denied.isError, textOf(denied)], [true, '[POLICY DENIED] not from the desktop']);
        } finally {
          await client.close();
        }
      }
    });
  }

  test('a bad --url, or --url with a command, is refused with what was wrong', () => {
    const wrap = (...args: string[]) => spawnSync(process.execPath, [TOOLGATE_CLI, 'wrap', '-p', policyFile, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const cases: Array<[string[], string]> = [
      [['--url', 'ftp://example.com/mcp'], 'error: --url: not an http(s) URL: ftp://example.com/mcp'],
      [['--url', 'http://127.0.0.1:1/mcp', '--', process.execPath, 'server.js'], 'error: wrap: give either --url or a command after --, not both'],
      [['--url', 'http://127.0.0.1:1/mcp', '--transport', 'websocket'], 'error: --transport must be auto, streamable-http or sse; got "websocket"'],
      [['--header', 'X-Key: 1', '--', process.execPath, 'server.js'], 'error: --header only applies to --url'],
    ];
    for (const [args, message] of cases) {
      const run = wrap(...args);
      assert.equal(run.status, 1, args.join(' '));
      assert.equal(run.stderr.trim(), message);
    }
  });
});
