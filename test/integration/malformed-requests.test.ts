// Malformed or ambiguous tools/call requests, sent as raw HTTP inside a real session: each is
// answered with a JSON-RPC error and never reaches the server (DESIGN.md, "What the agent sees").
// Batches and invalid JSON are covered by http-transport.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { countingServer, createCallLog, type CallLog } from '../helpers/tool-calls.js';

const POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    count: {},
    transfer: { require: [{ path: 'args.amount', op: 'lte', value: 100 }] },
  },
};

let dir: TempDir;
let log: CallLog;
let gateway: TestGateway;
let send: (body: string) => Promise<{ status: number; json: { id?: unknown; result?: unknown; error?: { code: number; message: string } } }>;

before(async () => {
  dir = makeTempDir('malformed-requests');
  log = createCallLog(dir.path);
  gateway = await startTestGateway({ servers: { s: countingServer(POLICY, log) }, store: 'memory' });
  const token = gateway.token(['s']);
  const client = await gateway.connect('s', token);
  const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
  send = async (body) => {
    const response = await fetch(`${gateway.url}/mcp/s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-session-id': sessionId },
      body,
    });
    return { status: response.status, json: (await response.json()) as never };
  };
});
after(async () => {
  await gateway.stop();
  dir.cleanup();
});

const toolCall = (params: string, id = 7): string => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${params}}`;

/** Sends `body` and expects a JSON-RPC error with `code`, and nothing reaching the server. */
async function expectRefused(body: string, code: number, status = 200): Promise<string> {
  const before = log.count();
  const { status: httpStatus, json } = await send(body);
  assert.equal(json.error?.code, code, JSON.stringify(json));
  assert.equal(httpStatus, status);
  assert.equal(json.result, undefined);
  assert.equal(log.count(), before, 'nothing reached the server');
  return json.error!.message;
}

describe('refused before any decision', () => {
  test('a sound call goes through (the raw session works)', async () => {
    const { json } = await send(toolCall('{"name":"count","arguments":{}}'));
    assert.deepEqual(json.result, { content: [{ type: 'text', text: 'count=1' }] });
    assert.equal(log.count('count'), 1);
  });

  test('a tool name that is not a non-empty string: -32602', async () => {
    for (const params of ['{"name":["count"]}', '{"name":42}', '{"name":""}', '{"arguments":{}}']) {
      assert.match(await expectRefused(toolCall(params), -32602), /"name", a non-empty string/, params);
    }
  });

  test('arguments that are not an object: -32602', async () => {
    for (const params of ['{"name":"count","arguments":[1]}', '{"name":"count","arguments":"x"}', '{"name":"count","arguments":null}']) {
      assert.match(await expectRefused(toolCall(params), -32602), /"arguments" must be an object/, params);
    }
  });

  test('a tools/call without an id (a disguised notification), alone or in a batch: -32600, never forwarded', async () => {
    const bare = '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"count","arguments":{}}}';
    assert.match(await expectRefused(bare, -32600, 400), /without an "id" is not a notification/);
    assert.match(await expectRefused(`[${bare}]`, -32600, 400), /batch\[0\]/);
  });

  test('an id that is neither a string nor an integer: -32600', async () => {
    await expectRefused(toolCall('{"name":"count"}', 1.5), -32600, 400);
  });
});

describe('ambiguous requests', () => {
  // JSON.parse alone keeps the last of duplicate keys: the gateway must refuse them instead.
  test('a duplicate "name" is refused, never judged as either tool', async () => {
    await expectRefused(toolCall('{"name":"transfer","name":"count","arguments":{}}'), -32600, 400);
  });

  test('a duplicate argument key is refused', async () => {
    await expectRefused(toolCall('{"name":"transfer","arguments":{"amount":5,"amount":5000,"to":"x"}}'), -32600, 400);
  });
});
