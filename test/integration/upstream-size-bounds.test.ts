// An upstream message over the bound (4 MiB by default; `maxMessageSize` per server) is refused before
// the gateway holds it whole: over stdio the connection is treated as broken (the call fails at once
// with UPSTREAM_CLOSED naming the bound, the child is stopped, new sessions work); over HTTP the one
// request fails, whether the answer is a JSON body or an SSE event, and the connection lives on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { DIST } from '../helpers/paths.js';
import { startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';
import { textOf, waitFor } from '../helpers/tool-calls.js';

const BULKY_SERVER = join(DIST, 'test', 'fixtures', 'bulky-server.js');
const ALLOW = { version: '1', default: 'allow' };
const MiB = 1024 * 1024;
const BOUND = 4 * MiB;

/** Calls `big` for `bytes` and expects the oversize failure; returns how long it took. */
async function expectOversize(client: Client, bytes: number, bound = BOUND): Promise<number> {
  const started = Date.now();
  await assert.rejects(client.callTool({ name: 'big', arguments: { bytes } }), (error: { code?: number; message?: string }) => {
    assert.equal(error.code, -32011, error.message);
    assert.match(error.message ?? '', new RegExp(`upstream message exceeded ${bound} bytes`));
    return true;
  });
  return Date.now() - started;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


describe('upstream message bound, stdio server', () => {
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    gateway = await startTestGateway({
      servers: {
        bulky: { command: process.execPath, args: [BULKY_SERVER], timeout: '60s', policy: ALLOW },
        roomy: { command: process.execPath, args: [BULKY_SERVER], timeout: '60s', maxMessageSize: '8MiB', policy: ALLOW },
      },
      store: 'memory',
    });
    token = gateway.token(['bulky', 'roomy']);
  });
  after(async () => gateway?.stop());

  test('a 6 MiB line fails the call at once naming the bound; the child is stopped; new sessions work', async () => {
    const client = await gateway.connect('bulky', token);
    const under = await client.callTool({ name: 'big', arguments: { bytes: 3 * MiB } });
    assert.equal(textOf(under).length, 3 * MiB, 'a message under the bound passes whole');
    const pid = Number(textOf(await client.callTool({ name: 'pid', arguments: {} })));

    const tookMs = await expectOversize(client, 6 * MiB);
    // Not left to the 60 s request timeout.
    assert.ok(tookMs < 20_000, `the oversize call took ${tookMs} ms to fail`);
    await waitFor(`the child ${pid} that sent the oversize line to end`, () => !isAlive(pid), 10_000);
    const events = await gateway.auditEvents();
    assert.deepEqual(events.filter((e) => e.tool === 'big').map((e) => e.upstreamStatus), ['ok', 'failed']);

    for (let round = 0; round < 2; round += 1) {
      const fresh = await gateway.connect('bulky', token);
      assert.equal(textOf(await fresh.callTool({ name: 'echo', arguments: { text: `after ${round}` } })), `after ${round}`);
      await expectOversize(fresh, 5 * MiB);
    }
    const last = await gateway.connect('bulky', token);
    assert.equal(textOf(await last.callTool({ name: 'echo', arguments: { text: 'still here' } })), 'still here');
  });

  test('`maxMessageSize` raises the bound for one server', async () => {
    const client = await gateway.connect('roomy', token);
    assert.equal(textOf(await client.callTool({ name: 'big', arguments: { bytes: 6 * MiB } })).length, 6 * MiB);
    await expectOversize(client, 9 * MiB, 8 * MiB);
  });
});

for (const mode of ['sse', 'json'] as const) {
  describe(`upstream message bound, Streamable HTTP server answering ${mode === 'sse' ? 'in SSE events' : 'in JSON bodies'}`, () => {
    let fixture: HttpFixture;
    let gateway: TestGateway;
    let client: Client;

    before(async () => {
      fixture = await startHttpFixture(process.execPath, [BULKY_SERVER, '--http', '0', ...(mode === 'json' ? ['--json'] : [])]);
      gateway = await startTestGateway({ servers: { bulky: { url: fixture.url, timeout: '60s', policy: ALLOW } }, store: 'memory' });
      client = await gateway.connect('bulky', gateway.token(['bulky']));
    });
    after(async () => {
      await gateway?.stop();
      await fixture?.stop();
    });

    test('a 6 MiB answer fails that call naming the bound; the session goes on', async () => {
      assert.equal(textOf(await client.callTool({ name: 'big', arguments: { bytes: 3 * MiB } })).length, 3 * MiB);
      const tookMs = await expectOversize(client, 6 * MiB);
      assert.ok(tookMs < 20_000, `the oversize call took ${tookMs} ms to fail`);
      assert.equal(textOf(await client.callTool({ name: 'echo', arguments: { text: 'next' } })), 'next');
      await expectOversize(client, 6 * MiB);
      assert.equal(textOf(await client.callTool({ name: 'big', arguments: { bytes: 1024 } })).length, 1024);
    });
  });
}
