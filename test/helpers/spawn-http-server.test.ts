// The HTTP fixture launcher the integration tests share: it finds the URL for our servers and for
// server-everything, and fails fast with the child's stderr when a server never becomes ready.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEverythingHttp, startHttpFixture } from './spawn-http-server.js';

describe('startHttpFixture', () => {
  test('starts server-everything in Streamable HTTP mode on a free port', async () => {
    const fixture = await startEverythingHttp();
    const client = new Client({ name: 'helper-test', version: '1.0.0' });
    try {
      assert.match(fixture.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      await client.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'echo'));
    } finally {
      await client.close();
      await fixture.stop();
    }
    assert.notEqual(fixture.child.exitCode ?? fixture.child.signalCode, null);
  });

  test('reports a child that exits before it is ready, with its stderr', async () => {
    const script = "process.stderr.write('boom: no config\\n'); process.exit(3)";
    await assert.rejects(startHttpFixture(process.execPath, ['-e', script]), /exited \(code 3\)[\s\S]*boom: no config/);
  });

  test('gives up after the timeout and kills the child', async () => {
    const script = "process.stderr.write('still warming up\\n'); setTimeout(() => {}, 30000)";
    const started = Date.now();
    // Long enough for a loaded machine to start node and print, far shorter than the child's 30 s.
    await assert.rejects(startHttpFixture(process.execPath, ['-e', script], {}, { timeoutMs: 3_000 }), /within 3000 ms[\s\S]*still warming up/);
    assert.ok(Date.now() - started < 10_000);
  });
});
