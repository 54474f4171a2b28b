// The upstream GET event stream against a real HTTP server: it sends the headers it is given, hands
// each event's JSON-RPC message on, skips what is not one, reconnects after the stream ends with
// Last-Event-ID, stops for good on a 405, and opens nothing more once closed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from '../../../test/helpers/tool-calls.js';
import { createUpstreamEventStream } from './upstream-event-stream.js';

type Answer = (response: ServerResponse) => void;

async function withServer(answers: Answer[], run: (url: URL, seen: IncomingHttpHeaders[]) => Promise<void>): Promise<void> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    const answer = answers.shift() ?? ((res: ServerResponse) => res.writeHead(500).end());
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const sse = (body: string, end: boolean): Answer => (response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write(body);
  if (end) response.end();
};

const until = (condition: () => boolean): Promise<unknown> => waitFor('the server to see it', condition);

describe('upstream GET event stream', () => {
  test('sends the session headers, delivers messages, resumes with Last-Event-ID, stops on 405', async () => {
    const first = 'id: e1\ndata: {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"a://1"}}\n\ndata: not json\n\n';
    const second = 'id: e2\r\ndata: {"jsonrpc":"2.0","id":7,"method":"ping"}\r\n\r\n';
    await withServer([sse(first, true), sse(second, true), (res) => res.writeHead(405).end()], async (url, seen) => {
      const messages: JSONRPCMessage[] = [];
      const errors: string[] = [];
      const stream = createUpstreamEventStream({
        url,
        headers: () => ({ 'mcp-session-id': 's-1', 'mcp-protocol-version': '2025-06-18', authorization: 'Bearer t' }),
        maxMessageBytes: 1_000,
        onMessage: (message) => messages.push(message),
        onError: (error) => errors.push(error.message),
      });
      stream.open();
      stream.open();
      await until(() => seen.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(messages, [
        { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'a://1' } },
        { jsonrpc: '2.0', id: 7, method: 'ping' },
      ]);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!, /an event is not a JSON-RPC message/);
      assert.deepEqual(seen.map((headers) => [headers['accept'], headers['mcp-session-id'], headers['authorization'], headers['last-event-id']]), [
        ['text/event-stream', 's-1', 'Bearer t', undefined],
        ['text/event-stream', 's-1', 'Bearer t', 'e1'],
        ['text/event-stream', 's-1', 'Bearer t', 'e2'],
      ]);
      // After the 405, nothing more is asked (the next answer would be a 500), though the stream
      // is still open: the 405 alone stopped it.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      assert.equal(seen.length, 3);
      stream.close();
    });
  });

  test('close ends an open stream', async () => {
    let ended = false;
    const held: Answer = (response) => {
      response.on('close', () => (ended = true));
      sse(': open\n\n', false)(response);
    };
    await withServer([held], async (url, seen) => {
      const stream = createUpstreamEventStream({ url, headers: () => ({}), maxMessageBytes: 1_000, onMessage: () => undefined, onError: () => undefined });
      stream.open();
      await until(() => seen.length === 1);
      stream.close();
      await until(() => ended);
    });
  });

  test('close cancels a planned reconnection', async () => {
    await withServer([sse(': open\n\n', true), sse('', true)], async (url, seen) => {
      const stream = createUpstreamEventStream({ url, headers: () => ({}), maxMessageBytes: 1_000, onMessage: () => undefined, onError: () => undefined });
      stream.open();
      await until(() => seen.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the stream ended: a reconnection is planned
      stream.close();
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      assert.equal(seen.length, 1);
    });
  });
});
