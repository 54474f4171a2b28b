// A minimal server-sent events parser over raw bytes (the WHATWG event-stream format: data, event,
// id and retry fields, multi-line data, LF/CRLF/CR line ends, comments), for the upstream GET event
// stream. Each event is bounded: past `maxEventBytes` its lines are dropped, not held, and it is
// reported as oversize instead of dispatched.

import { CR, LF } from './bounded-body.js';

export interface SseEvent {
  /** The `event:` field, '' when absent (a plain message). */
  type: string;
  data: string;
  /** The stream's last event id when the event was dispatched ('' when none was ever set). */
  id: string;
}

export interface SseParserHandlers {
  onEvent(event: SseEvent): void;
  /** An event whose lines came to more than the bound; nothing of it was kept. */
  onOversize(maxEventBytes: number): void;
  /** A valid `retry:` field, in ms. */
  onRetry?(ms: number): void;
}

export interface SseParser {
  /** Feeds the next chunk of the stream, which may end or start anywhere, even inside a line end. */
  push(chunk: Uint8Array): void;
  /** The last event id seen so far, for `Last-Event-ID` on reconnect ('' when none). */
  readonly lastEventId: string;
}

export function createSseParser(maxEventBytes: number, handlers: SseParserHandlers): SseParser {
  let pieces: Uint8Array[] = [];
  let lineBytes = 0;
  let eventBytes = 0;
  let oversize = false;
  let afterCr = false;
  let atStreamStart = true;
  let type = '';
  let data: string[] = [];
  let lastEventId = '';

  const dispatch = (): void => {
    if (oversize) handlers.onOversize(maxEventBytes);
    else if (data.length > 0) handlers.onEvent({ type, data: data.join('\n'), id: lastEventId });
    type = '';
    data = [];
    eventBytes = 0;
    oversize = false;
  };

  const field = (line: string): void => {
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else if (name === 'event') type = value;
    else if (name === 'id' && !value.includes('\0')) lastEventId = value;
    else if (name === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
  };

  const endLine = (): void => {
    const blank = lineBytes === 0;
    lineBytes = 0;
    if (blank) return dispatch();
    if (oversize) return;
    const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    pieces = [];
    let line = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
    if (atStreamStart && line.startsWith('\ufeff')) line = line.slice(1);
    atStreamStart = false;
    field(line);
  };

  const keep = (chunk: Uint8Array, from: number, to: number): void => {
    if (to <= from) return;
    lineBytes += to - from;
    eventBytes += to - from;
    if (eventBytes > maxEventBytes) {
      oversize = true;
      data = [];
      pieces = [];
    }
    if (!oversize) pieces.push(chunk.subarray(from, to));
  };

  return {
    push(chunk) {
      let start = 0;
      for (let i = 0; i < chunk.length; i += 1) {
        const byte = chunk[i]!;
        if (byte !== LF && byte !== CR) continue;
        if (byte === LF && afterCr && i === start) {
          afterCr = false;
          start = i + 1;
          continue;
        }
        keep(chunk, start, i);
        endLine();
        afterCr = byte === CR;
        start = i + 1;
      }
      if (start < chunk.length) afterCr = false;
      keep(chunk, start, chunk.length);
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
