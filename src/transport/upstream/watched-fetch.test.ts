// watchedFetch reports a request lost exactly when its answer can no longer come: a broken or ended
// SSE answer stream without an event id, a POST that failed after connecting, an answer over the
// message bound; never otherwise. Every body is bounded (a JSON body whole, SSE per event).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonRpcId } from '../../protocol/jsonrpc.js';
import { boundedFetch, watchedFetch } from './watched-fetch.js';

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

async function run(base: typeof fetch, message: unknown, maxMessageBytes?: number): Promise<Array<[JsonRpcId, string]>> {
  const lost: Array<[JsonRpcId, string]> = [];
  const fetchIt = watchedFetch((id, reason) => lost.push([id, reason]), base, maxMessageBytes);
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

  test('a JSON answer over the bound fails at once, naming the bound; the download stops', async () => {
    let served = 0;
    const huge: typeof fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          served += 1;
          if (served > 1_000) controller.close();
          else controller.enqueue(new Uint8Array(1024).fill(0x20));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const lost: Array<[JsonRpcId, string]> = [];
    const response = await watchedFetch((id, reason) => lost.push([id, reason]), huge, 10_000)('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request) });
    await assert.rejects(response.json(), /the upstream message exceeded 10000 bytes \(an HTTP response body\)/);
    assert.deepEqual(lost, [[7, 'the upstream message exceeded 10000 bytes (an HTTP response body)']]);
    await settle();
    assert.ok(served < 20, `kept reading after the bound: ${served} chunks`);
  });

  test('an SSE stream is bounded per event: many small events pass, one large event fails even on a resumable stream', async () => {
    const small = `id: ev-1\r\nevent: message\r\ndata: ${'a'.repeat(60)}\r\n\r\n`;
    const many = Array.from({ length: 50 }, () => small);
    const passed = await watchedFetch(() => {}, serve('text/event-stream', many), 100)('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request) });
    assert.equal((await passed.text()).length, small.length * 50);

    const large = `id: ev-2\ndata: ${'b'.repeat(120)}\n`;
    const lost = await run(serve('text/event-stream', [small, large.slice(0, 20), large.slice(20), 'data: more\n\n']), request, 100);
    assert.deepEqual(lost, [[7, 'the upstream message exceeded 100 bytes (one event of an SSE stream)']]);
  });

  test('a body that is no request\'s answer (GET stream, error answer) is bounded too, with nobody told', async () => {
    const huge = `data: ${'c'.repeat(200)}\n\n`;
    const lost: JsonRpcId[] = [];
    const fetchIt = watchedFetch((id) => lost.push(id), serve('text/event-stream', [huge]), 100);
    const response = await fetchIt('http://upstream.test/mcp', { method: 'GET' });
    await assert.rejects(response.text(), /exceeded 100 bytes/);
    const legacy = await boundedFetch(100, serve('text/event-stream', [huge]))('http://upstream.test/sse');
    await assert.rejects(legacy.text(), /exceeded 100 bytes \(one event of an SSE stream\)/);
    // An error answer's body, which the SDK reads whole into its error message.
    const failing: typeof fetch = async () => new Response('e'.repeat(500), { status: 500, headers: { 'content-type': 'text/plain' } });
    const refused = await watchedFetch((id) => lost.push(id), failing, 100)('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request) });
    assert.equal(refused.status, 500);
    await assert.rejects(refused.text(), /exceeded 100 bytes \(an HTTP response body\)/);
    assert.deepEqual(lost, []);
  });

  test('the body reaches the reader unchanged', async () => {
    const response = await watchedFetch(() => {}, serve('text/event-stream', [answer.slice(0, 9), answer.slice(9)]))('http://upstream.test/mcp', { method: 'POST', body: JSON.stringify(request) });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(await response.text(), answer);
  });
});
