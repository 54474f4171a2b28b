// The SDK's GET event stream taken from it (a synthetic 405), but not its GET that resumes an
// answer stream (Last-Event-ID), which must reach the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOwnEventStream } from './own-event-stream-fetch.js';

test("the SDK's own GET stream is answered 405 here; its GET resuming an answer (Last-Event-ID) goes to the server", async () => {
  const reached: string[] = [];
  const wrapped = withOwnEventStream(async (_input, init) => {
    reached.push(new Headers(init?.headers).get('last-event-id') ?? 'none');
    return new Response('', { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  const standalone = await wrapped('http://x/mcp', { method: 'GET', headers: { accept: 'text/event-stream' } });
  assert.equal(standalone.status, 405);
  const resumed = await wrapped('http://x/mcp', { method: 'GET', headers: { accept: 'text/event-stream', 'last-event-id': 'stream-1_5' } });
  assert.equal(resumed.status, 200);
  assert.deepEqual(reached, ['stream-1_5']);
});
