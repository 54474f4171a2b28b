// The SSE parser of the upstream GET event stream yields the same events wherever the chunks are cut
// (even between CR and LF, or inside a UTF-8 character), with LF, CRLF or CR line ends, multi-line
// data, comments and ids; an event over the bound is dropped and reported, and the next one parses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSseParser, type SseEvent } from './sse-parser.js';

interface Parsed {
  events: SseEvent[];
  oversize: number;
  retries: number[];
  lastEventId: string;
}

function parse(chunks: Uint8Array[], maxEventBytes = 1_000): Parsed {
  const parsed: Parsed = { events: [], oversize: 0, retries: [], lastEventId: '' };
  const parser = createSseParser(maxEventBytes, {
    onEvent: (event) => parsed.events.push(event),
    onOversize: () => (parsed.oversize += 1),
    onRetry: (ms) => parsed.retries.push(ms),
  });
  for (const chunk of chunks) parser.push(chunk);
  parsed.lastEventId = parser.lastEventId;
  return parsed;
}

/** Every way to cut `bytes` in three pieces. */
function* cuts(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let a = 0; a <= bytes.length; a += 1) {
    for (let b = a; b <= bytes.length; b += 1) yield [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
  }
}

const STREAM = [
  ': a comment, then a keep-alive',
  '',
  'id: 1',
  'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"data":"héllo ✓"}}',
  '',
  'event: message',
  'data:first line',
  'data:  second line',
  'data',
  'id: 2',
  '',
  'retry: 2500',
  'event: other',
  'data: x',
  '',
  'data: no blank line at the end yet',
];

const EXPECTED: SseEvent[] = [
  { type: '', data: '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"héllo ✓"}}', id: '1' },
  { type: 'message', data: 'first line\n second line\n', id: '2' },
  { type: 'other', data: 'x', id: '2' },
];

describe('SSE parser', () => {
  for (const [name, end] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
    test(`the same events at every chunk boundary, ${name} line ends`, () => {
      const bytes = Buffer.from(STREAM.join(end));
      for (const chunks of cuts(bytes)) {
        const parsed = parse(chunks);
        assert.deepEqual(parsed.events, EXPECTED, `cut at ${chunks[0]!.length}/${chunks[0]!.length + chunks[1]!.length}`);
        assert.deepEqual(parsed.retries, [2500]);
        assert.equal(parsed.lastEventId, '2');
      }
    });
  }

  test('a leading byte order mark is ignored; an event with no data is not dispatched', () => {
    const parsed = parse([Buffer.from('\ufeffdata: a\n\nid: 7\n\nevent: e\n\n')]);
    assert.deepEqual(parsed.events, [{ type: '', data: 'a', id: '' }]);
    assert.equal(parsed.lastEventId, '7');
  });

  test('an event over the bound is dropped and reported, whatever the chunks, and the next one parses', () => {
    const big = `data: ${'x'.repeat(200)}\n`;
    const bytes = Buffer.from(`data: small\n\n${big}${big}\ndata: after\n\n`);
    for (const chunks of cuts(bytes)) {
      const parsed = parse(chunks, 300);
      assert.deepEqual(parsed.events.map((event) => event.data), ['small', 'after']);
      assert.equal(parsed.oversize, 1);
    }
  });

  test('a line that goes past the bound before it ends makes its event oversize', () => {
    const chunks = [...Array.from({ length: 50 }, () => Buffer.from('data: yyyyyyyy')), Buffer.from('\n\ndata: next\n\n')];
    const parsed = parse(chunks, 300);
    assert.deepEqual([parsed.oversize, parsed.events.map((event) => event.data)], [1, ['next']]);
  });
});
