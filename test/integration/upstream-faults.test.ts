// Upstream faults as the agent meets them: a stdio server that dies mid-call, and one that never
// answers within the server's `timeout`, both end the call promptly with a clear JSON-RPC error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEvent } from '../../src/audit/audit-sink.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { COUNTING_SERVER, EVERYTHING_SERVER } from '../helpers/paths.js';
import { startCountingHttp, startHttpFixture, type HttpFixture } from '../helpers/spawn-http-server.js';

describe('upstream faults', () => {
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    const allow = { version: '1', default: 'allow' };
    // `late` takes 1.5 s to start: longer than its `timeout`, which is for answers, not start-up.
    const late = `setTimeout(() => import(${JSON.stringify(pathToFileURL(COUNTING_SERVER).href)}), 1500)`;
    gateway = await startTestGateway({
      servers: {
        counting: { command: process.execPath, args: [COUNTING_SERVER], timeout: '1s', policy: allow },
        late: { command: process.execPath, args: ['-e', late], timeout: '1s', policy: allow },
      },
      store: 'memory',
    });
    token = gateway.token(['counting', 'late']);
  });
  after(async () => gateway?.stop());

  test('a stdio server that crashes mid-call: the call fails at once, the server is restarted, and later calls work', async () => {
    const client = await gateway.connect('counting', token);
    const started = Date.now();
    await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), (error: { code?: number; message?: string }) => {
      assert.equal(error.code, -32011);
      assert.match(error.message ?? '', /Upstream connection failed/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000, `the error took ${Date.now() - started} ms`);
    const events = await gateway.auditEvents();
    assert.deepEqual(events.filter((e) => e.tool === 'crash').map((e) => [e.decision, e.upstreamStatus]), [['allow', 'failed']]);
    // The same session goes on, on a new child (its count starts again), initialized as before.
    const result = (await client.callTool({ name: 'count', arguments: {} })) as CallToolResult;
    assert.deepEqual(result.content, [{ type: 'text', text: 'count=1' }]);
    assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'count'));
    // And again: a second crash in a row is restarted too (after a longer pause).
    await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), (error: { code?: number }) => error.code === -32011);
    const again = (await client.callTool({ name: 'count', arguments: {} })) as CallToolResult;
    assert.deepEqual(again.content, [{ type: 'text', text: 'count=1' }]);
  });

  test('a call the server does not answer within `timeout` fails after about that long', async () => {
    const client = await gateway.connect('late', token);
    const started = Date.now();
    await assert.rejects(client.callTool({ name: 'slow', arguments: { ms: 10_000 } }), (error: { code?: number; message?: string }) => {
      assert.equal(error.code, -32012);
      assert.match(error.message ?? '', /Upstream timed out: no answer within 1000 ms/);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 950 && elapsed < 2_500, `the timeout came after ${elapsed} ms`);
    // The session survives its timed-out call.
    const quick = (await client.callTool({ name: 'slow', arguments: { ms: 10 } })) as CallToolResult;
    assert.deepEqual(quick.content, [{ type: 'text', text: 'slept=10' }]);
    const events = await gateway.auditEvents();
    const slow = events.filter((e) => e.tool === 'slow');
    assert.deepEqual(slow.map((e) => e.upstreamStatus), ['failed', 'ok']);
    assert.match(slow[0]?.reason ?? '', /no answer within 1000 ms/);
  });

  test('a call the client cancels ends at once: audited as cancelled, not left to time out', async () => {
    const gatewayWithLongTimeout = await startTestGateway({
      servers: { counting: { command: process.execPath, args: [COUNTING_SERVER], timeout: '30s', policy: { version: '1', default: 'allow' } } },
      store: 'memory',
    });
    try {
      const grant = gatewayWithLongTimeout.token(['counting']);
      const client = await gatewayWithLongTimeout.connect('counting', grant);
      const abort = new AbortController();
      const call = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }, undefined, { signal: abort.signal });
      setTimeout(() => abort.abort('the user pressed stop'), 200);
      await assert.rejects(call);
      const slow = await waitForAudit(gatewayWithLongTimeout, 'slow');
      assert.deepEqual([slow.upstreamStatus, slow.reason], ['failed', 'cancelled by the client']);

      // A client that hangs up mid-call has cancelled it too.
      const session = await gatewayWithLongTimeout.connect('counting', grant);
      const transport = session.transport as { sessionId?: string };
      const hangUp = new AbortController();
      const raw = fetch(`${gatewayWithLongTimeout.url}/mcp/counting`, {
        method: 'POST',
        signal: hangUp.signal,
        headers: { authorization: `Bearer ${grant}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId! },
        body: JSON.stringify({ jsonrpc: '2.0', id: 'raw', method: 'tools/call', params: { name: 'slow', arguments: { ms: 20_000, hung: 'up' } } }),
      });
      setTimeout(() => hangUp.abort(), 200);
      await assert.rejects(raw);
      const hung = await waitForAudit(gatewayWithLongTimeout, 'slow', (event) => event.argKeys.includes('hung'));
      assert.deepEqual([hung.upstreamStatus, hung.reason], ['failed', 'the client went away before the answer']);
    } finally {
      await gatewayWithLongTimeout.stop();
    }
  });
});

/** The audit event of `tool` (matching `match`), waited for up to 3 s. */
async function waitForAudit(gateway: TestGateway, tool: string, match: (event: AuditEvent) => boolean = () => true): Promise<AuditEvent> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const found = (await gateway.auditEvents()).find((event) => event.tool === tool && match(event));
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`no audit event for ${tool} within 3 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `call`, kills the upstream server while it runs, and returns how the call ended and when. */
async function killMidCall(fixture: HttpFixture, call: () => Promise<unknown>): Promise<{ error: { code?: number; message?: string }; afterKillMs: number }> {
  const pending = call().then(
    () => assert.fail('the call should fail when its server dies'),
    (error: { code?: number; message?: string }) => ({ error, at: Date.now() }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const killed = Date.now();
  fixture.child.kill('SIGKILL');
  const { error, at } = await pending;
  return { error, afterKillMs: at - killed };
}

describe('HTTP upstream faults', () => {
  test('a Streamable HTTP server that dies mid-call: the call fails promptly, not at the timeout', async () => {
    const fixture = await startCountingHttp();
    const gateway = await startTestGateway({ servers: { counting: { url: fixture.url, timeout: '30s', policy: { version: '1', default: 'allow' } } }, store: 'memory' });
    try {
      const client = await gateway.connect('counting', gateway.token(['counting']));
      const { error, afterKillMs } = await killMidCall(fixture, () => client.callTool({ name: 'slow', arguments: { ms: 20_000 } }));
      assert.equal(error.code, -32011, error.message);
      assert.ok(afterKillMs < 3_000, `the error came ${afterKillMs} ms after the server died`);
      const events = await gateway.auditEvents();
      assert.deepEqual(events.filter((e) => e.tool === 'slow').map((e) => e.upstreamStatus), ['failed']);
    } finally {
      await gateway.stop();
      await fixture.stop();
    }
  });

  test('a legacy HTTP+SSE server that dies mid-call: the call fails promptly', async () => {
    const fixture = await startHttpFixture(process.execPath, [EVERYTHING_SERVER, 'sse'], {}, {
      choosePort: true,
      portEnv: 'PORT',
      readyPattern: /running on port (\d+)/,
      urlForPort: (port) => `http://127.0.0.1:${port}/sse`,
    });
    const gateway = await startTestGateway({ servers: { legacy: { url: fixture.url, transport: 'sse', timeout: '30s', policy: { version: '1', default: 'allow' } } }, store: 'memory' });
    try {
      const client = await gateway.connect('legacy', gateway.token(['legacy']));
      const { error, afterKillMs } = await killMidCall(fixture, () => client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } }));
      assert.equal(error.code, -32011, error.message);
      assert.ok(afterKillMs < 3_000, `the error came ${afterKillMs} ms after the server died`);
    } finally {
      await gateway.stop();
      await fixture.stop();
    }
  });
});
