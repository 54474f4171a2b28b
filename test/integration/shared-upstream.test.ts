// `shared: true`: every session of a server goes over one upstream connection. Ids are rewritten per
// upstream and mapped back (two clients' identical ids, and `1` vs `"1"`, never meet), messages that
// belong to one session reach only it, and a crashed shared child is restarted with backoff.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { connectModernThroughGateway } from '../helpers/mcp-clients.js';
import { COUNTING_SERVER } from '../helpers/paths.js';
import { textOf, waitFor } from '../helpers/tool-calls.js';

const POLICY = { version: '1', default: 'allow', tools: { delete_everything: { action: 'deny', reason: 'never' } } };

describe('a shared upstream (shared: true)', () => {
  let gateway: TestGateway;
  let token: string;
  let startsFile: string;

  before(async () => {
    startsFile = join(mkdtempSync(join(tmpdir(), 'toolgate-shared-')), 'starts.log');
    gateway = await startTestGateway({
      servers: {
        counting: {
          command: process.execPath,
          args: [COUNTING_SERVER],
          env: { COUNTING_SERVER_ANNOUNCE: '1', COUNTING_SERVER_STARTS: startsFile },
          shared: true,
          policy: POLICY,
        },
      },
      store: 'memory',
    });
    token = gateway.token(['counting']);
  });
  after(async () => gateway?.stop());

  test('two clients × 1,000 concurrent calls with identical ids: 0 misrouted, 0 unanswered', async () => {
    // Both SDK clients number their requests the same way (from 0), so every id is in use twice at once.
    const clients = await Promise.all([gateway.connect('counting', token, 'a'), gateway.connect('counting', token, 'b')]);
    const tally = { ok: 0, misrouted: 0, unanswered: 0 };
    const errors = new Set<string>();
    await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: 1_000 }, (_, n) =>
          client.callTool({ name: 'echo', arguments: { client: c, n } }, undefined, { timeout: 120_000 }).then(
            (result) => {
              const echoed = JSON.parse(textOf(result)) as { client: number; n: number };
              if (echoed.client === c && echoed.n === n) tally.ok++;
              else tally.misrouted++;
            },
            (error: Error) => {
              tally.unanswered++;
              errors.add(`${error.message} ${String((error.cause as Error | undefined)?.message ?? "")}`);
            },
          ),
        ),
      ),
    );
    console.log(`# shared upstream, 2 clients × 1,000 concurrent calls: ${tally.ok} ok, ${tally.misrouted} misrouted, ${tally.unanswered} unanswered`);
    assert.deepEqual(tally, { ok: 2_000, misrouted: 0, unanswered: 0 }, [...errors].join('\n'));

    // One server process served both: its count runs on across the two clients.
    const counts = [];
    for (let i = 0; i < 4; i++) counts.push(textOf(await clients[i % 2]!.callTool({ name: 'count', arguments: {} })));
    const numbers = counts.map((text) => Number(text.replace('count=', '')));
    assert.deepEqual(numbers, [numbers[0], numbers[0]! + 1, numbers[0]! + 2, numbers[0]! + 3]);
    // The policy still decides each call: the denied tool never reaches the shared server.
    const denied = (await clients[0]!.callTool({ name: 'delete_everything', arguments: {} })) as CallToolResult;
    assert.equal(denied.isError, true);
    const stats = JSON.parse(textOf(await clients[1]!.callTool({ name: 'stats', arguments: {} }))) as { calls: Record<string, number> };
    assert.equal(stats.calls['delete_everything'], undefined);
    assert.equal(stats.calls['echo'], 2_000);
    await Promise.all(clients.map((client) => client.close()));
  });

  test('`1` and `"1"` stay distinct: in one session and across sessions, each answer keeps its own id', async () => {
    const sessions = await Promise.all([rawSession(), rawSession()]);
    const ids: Array<string | number> = [1, '1'];
    const answers = await Promise.all(
      sessions.flatMap((session, s) => ids.map((id) => session.call(id, { session: s, id: typeof id }))),
    );
    let k = 0;
    for (let s = 0; s < sessions.length; s++) {
      for (const id of ids) {
        const answer = answers[k++]!;
        assert.equal(answer.id, id, 'the answer carries the id exactly as the client sent it');
        assert.deepEqual(JSON.parse(answer.text), { session: s, id: typeof id });
      }
    }
  });

  test('messages for one session reach only it; list_changed reaches all; logs and log levels stay out', async () => {
    const [a, b] = await Promise.all([gateway.connect('counting', token, 'a'), gateway.connect('counting', token, 'b')]);
    const seen = { a: [] as string[], b: [] as string[] };
    for (const [client, into] of [[a, seen.a], [b, seen.b]] as const) {
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void into.push(`updated ${n.params.uri}`));
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void into.push('tools changed'));
      client.setNotificationHandler(LoggingMessageNotificationSchema, () => void into.push('log'));
    }
    // Setting a log level is accepted but cannot change the shared connection for everyone.
    await a.setLoggingLevel('debug');
    await a.subscribeResource({ uri: 'count://a' });
    await a.callTool({ name: 'announce', arguments: { uri: 'count://a' } });
    await b.callTool({ name: 'announce', arguments: { uri: 'count://b' } });
    await waitFor('the update to a and two list changes to b', () => seen.a.includes('updated count://a') && seen.b.filter((m) => m === 'tools changed').length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(seen.a.filter((m) => m.startsWith('updated')), ['updated count://a']);
    assert.deepEqual(seen.b.filter((m) => m.startsWith('updated')), [], 'b subscribed to nothing');
    assert.ok(!seen.a.includes('log') && !seen.b.includes('log'), 'log messages belong to no session and are not shown');

    // One session ending leaves the shared connection to the others.
    await a.close();
    assert.match(textOf(await b.callTool({ name: 'count', arguments: {} })), /^count=\d+$/);
    await b.close();
  });

  test('a crashed shared child: calls in flight fail at once, the next call works on a restarted child', async () => {
    const client = await gateway.connect('counting', token);
    const slow = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }).then(() => 'answered', (error: { code?: number }) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), (error: { code?: number }) => error.code === -32011);
    assert.equal(await slow, -32011);
    assert.ok(Date.now() - started < 3_000);
    assert.match(textOf(await client.callTool({ name: 'count', arguments: {} })), /^count=1$/);
    await client.close();
  });

  /** A session opened by hand, so requests can carry ids the SDK would never choose. */
  async function rawSession(): Promise<{ call(id: string | number, args: Record<string, unknown>): Promise<{ id: unknown; text: string }> }> {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const url = `${gateway.url}/mcp/counting`;
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    const sessionId = init.headers.get('mcp-session-id')!;
    await init.text();
    const withSession = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    await fetch(url, { method: 'POST', headers: withSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) }).then((r) => r.text());
    return {
      call: async (id, args) => {
        const response = await fetch(url, { method: 'POST', headers: withSession, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: args } }) });
        const body = await response.text();
        const json = response.headers.get('content-type')?.includes('text/event-stream') ? body.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).pop()! : body;
        const message = JSON.parse(json) as { id: unknown; result: CallToolResult };
        return { id: message.id, text: textOf(message.result) };
      },
    };
  }
});

describe('a shared child that cannot come back', () => {
  test('is restarted with backoff, not in a tight loop, and calls fail promptly meanwhile', async () => {
    const startsFile = join(mkdtempSync(join(tmpdir(), 'toolgate-shared-')), 'starts.log');
    // Two starts succeed (the catalog's listing and the shared connection); every later one dies at once.
    const gateway = await startTestGateway({
      servers: {
        // `era: legacy`: no era probe, whose own respawn of a child that exits would count twice.
        counting: { command: process.execPath, args: [COUNTING_SERVER], env: { COUNTING_SERVER_STARTS: startsFile, COUNTING_SERVER_MAX_STARTS: '2' }, shared: true, era: 'legacy', policy: POLICY },
      },
      store: 'memory',
    });
    try {
      const token = gateway.token(['counting']);
      const client: Client = await gateway.connect('counting', token);
      assert.equal(textOf(await client.callTool({ name: 'count', arguments: {} })), 'count=1');
      const before = starts(startsFile);
      await assert.rejects(client.callTool({ name: 'crash', arguments: {} }), (error: { code?: number }) => error.code === -32011);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const restarts = starts(startsFile) - before;
      console.log(`# restarts of a child that dies on start, in 3 s: ${restarts}`);
      // Backoff 100, 200, 400, 800, 1600 ms: about four tries in 3 s; a tight loop would make dozens.
      assert.ok(restarts >= 2 && restarts <= 8, `${restarts} restarts in 3 s`);
      const started = Date.now();
      await assert.rejects(client.callTool({ name: 'count', arguments: {} }), (error: { code?: number; message?: string }) => {
        assert.ok(error.code === -32010 || error.code === -32011, `${error.code} ${error.message}`);
        return true;
      });
      assert.ok(Date.now() - started < 10_000, `the call failed after ${Date.now() - started} ms`);
    } finally {
      await gateway.stop();
    }
  });
});

function starts(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

describe('a shared legacy server with clients of both eras (era: auto)', () => {
  let gateway: TestGateway;
  let token: string;

  before(async () => {
    gateway = await startTestGateway({ servers: { counting: { command: process.execPath, args: [COUNTING_SERVER], shared: true, policy: POLICY } }, store: 'memory' });
    token = gateway.token(['counting']);
  });
  after(async () => gateway?.stop());

  test('a 2026-07-28 client first, then a 2025 session: both go over the one child', async () => {
    const modern = await connectModernThroughGateway(gateway.url, 'counting', token);
    const legacy = await gateway.connect('counting', token);
    try {
      await modern.callTool({ name: 'echo', arguments: { from: 'modern' } });
      // The 2025 session asks the child it is on what it counted: the modern client's call is there.
      const stats = JSON.parse(textOf(await legacy.callTool({ name: 'stats', arguments: {} }))) as { calls: Record<string, number> };
      assert.equal(stats.calls['echo'], 1);
    } finally {
      await modern.close();
    }
  });
});
