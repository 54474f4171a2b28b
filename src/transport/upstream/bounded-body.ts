// Bounds what one upstream HTTP response may make the gateway hold: a JSON body as a whole, an SSE
// stream one event at a time (a long-lived stream may carry any number of events). Past the bound
// the body fails with UpstreamMessageTooLargeError and the download stops.
import { UpstreamMessageTooLargeError } from './message-bound.js';

const LF = 0x0a;
const CR = 0x0d;

export function boundBody(body: ReadableStream<Uint8Array>, sse: boolean, maxBytes: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const measure = sse ? sseEventSizes() : totalSize();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        controller.error(error);
        return;
      }
      if (chunk.done) {
        controller.close();
        return;
      }
      if (measure(chunk.value) > maxBytes) {
        const error = new UpstreamMessageTooLargeError(maxBytes, sse ? 'one event of an SSE stream' : 'an HTTP response body');
        controller.error(error);
        void reader.cancel(error).catch(() => undefined);
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The body's size so far. */
function totalSize(): (chunk: Uint8Array) => number {
  let size = 0;
  return (chunk) => (size += chunk.length);
}

/** The largest event seen in each chunk, counting the bytes of its lines (not their line ends); an
 *  event ends at a blank line, whichever of LF, CRLF or CR ends the lines. */
function sseEventSizes(): (chunk: Uint8Array) => number {
  let size = 0;
  let atLineStart = true;
  let afterCr = false;
  return (chunk) => {
    let largest = size;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i]!;
      if (byte === LF && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = byte === CR;
      if (byte === LF || byte === CR) {
        if (atLineStart) size = 0;
        atLineStart = true;
        continue;
      }
      atLineStart = false;
      size += 1;
      if (size > largest) largest = size;
    }
    return largest;
  };
}
