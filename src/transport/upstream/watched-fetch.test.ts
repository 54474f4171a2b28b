// watchedFetch reports a request lost exactly when its answer can no longer come: a broken or ended
// SSE answer stream without an event id, a POST that failed after connecting; never otherwise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonRpcId } from '../../protocol/jsonrpc.js';
import { watchedFetch } from './watched-fetch.js';

const encoder = new TextEncoder();
const settle = () => new Promise((resolve) => setTimeout(resolve, 120));

/** A server stand-in: answers every fetch with `chunks`, then ends, or breaks with `error`. */
function serve(contentType: string, chunks: string[], error?: Error): typeof fetch {
  return async () => {
    const queue = [...chunks];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = queue.shift();
        if (next !== undefined) controller.enqueue(encoder.encode(next));
        else if (error) controller.error(error);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  };
}

function refuse(code: string): typeof fetch {
  return async () => {
    throw Object.assign(new TypeError('fetch failed'), { cause: { code } });
  };
}

async function run(base: typeof fetch, message: unknown): Promise<Array<[JsonRpcId, string]>> {
  const lost: Array<[JsonRpcId, string]> = [];
  const fetchIt = watchedFetch((id, reason) => lost.push([id, reason]), base);
  try {
    const response = await fetchIt('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(message) });
    await response.text().catch(() => undefined);
  } catch {
    // the caller (the SDK transport) sees the failure as before
  }
  await settle();
  return lost;
}

const request = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'slow' } };
const answer = 'event: message\ndata: {"jsonrpc":"2.0","id":7,"result":{}}\n\n';

describe('watchedFetch', () => {
  test('an SSE answer stream that breaks before its answer: the request is lost', async () => {
    const lost = await run(serve('text/event-stream', [], new Error('other side closed')), request);
    assert.deepEqual(lost.map(([id]) => id), [7]);
    assert.match(lost[0]![1], /answer stream broke: other side closed/);
  });

  test('an SSE answer stream that ends without an answer: the request is lost', async () => {
    assert.deepEqual((await run(serve('text/event-stream', []), request)).map(([id]) => id), [7]);
  });

  test('a stream that carried an event id can be resumed by the SDK: not reported', async () => {
    const primed = 'id: ev-1\ndata: \n\n';
    assert.deepEqual(await run(serve('text/event-stream', [primed], new Error('reset')), request), []);
    assert.deepEqual(await run(serve('text/event-stream', ['event: message\r', '\nid: ev-2\ndata: \n\n'], new Error('reset')), request), []);
  });

  test('a POST that fails after connecting is lost; one that never connected is not', async () => {
    assert.deepEqual((await run(refuse('UND_ERR_SOCKET'), request)).map(([id]) => id), [7]);
    assert.deepEqual(await run(refuse('ECONNREFUSED'), request), []);
  });

  test('a JSON answer body that breaks is lost at once; notifications and responses are never reported', async () => {
    assert.deepEqual((await run(serve('application/json', ['{"jsonrpc":'], new Error('terminated')), request)).map(([id]) => id), [7]);
    assert.deepEqual(await run(serve('application/json', ['{}']), request), []);
    assert.deepEqual(await run(serve('text/event-stream', [], new Error('reset')), { jsonrpc: '2.0', method: 'notifications/initialized' }), []);
    assert.deepEqual(await run(refuse('UND_ERR_SOCKET'), { jsonrpc: '2.0', id: 3, result: {} }), []);
  });

  test('a stream the caller aborted is not reported', async () => {
    const abort = new AbortController();
    const lost: JsonRpcId[] = [];
    const fetchIt = watchedFetch((id) => lost.push(id), serve('text/event-stream', [], new Error('aborted')));
    const response = await fetchIt('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request), signal: abort.signal });
    abort.abort();
    await response.text().catch(() => undefined);
    await settle();
    assert.deepEqual(lost, []);
  });

  test('the body reaches the reader unchanged', async () => {
    const response = await watchedFetch(() => {}, serve('text/event-stream', [answer.slice(0, 9), answer.slice(9)]))('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request) });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(await response.text(), answer);
  });
});
