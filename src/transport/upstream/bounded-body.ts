// Bounds what one upstream HTTP response may make the gateway hold: a JSON body as a whole, an SSE
// stream one event at a time (a long-lived stream may carry any number of events). Past the bound
// the body fails with UpstreamMessageTooLargeError and the download stops. The bound is one tap of
// `tapBody`, the single pass-through every upstream response body goes through.
import { UpstreamMessageTooLargeError } from './message-bound.js';

export const LF = 0x0a;
export const CR = 0x0d;

/** What looks at each chunk of a response body as it passes (see `tapBody`). */
export interface BodyTap {
  /** An error refuses the chunk: the body fails with it and the download stops. */
  chunk?(bytes: Uint8Array): Error | undefined;
  end?(): void;
  /** The body failed: the connection broke, or a tap refused a chunk. */
  broke?(error: unknown): void;
}

/** Passes a body through once, showing every chunk to every tap: one stream per response, however
 *  many things watch it. */
export function tapBody(body: ReadableStream<Uint8Array>, taps: readonly BodyTap[]): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown): void => {
    for (const tap of taps) tap.broke?.(error);
    controller.error(error);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return fail(controller, error);
      }
      if (chunk.done) {
        for (const tap of taps) tap.end?.();
        controller.close();
        return;
      }
      for (const tap of taps) {
        const refusal = tap.chunk?.(chunk.value);
        if (!refusal) continue;
        fail(controller, refusal);
        void reader.cancel(refusal).catch(() => undefined);
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Refuses the body once it passes `maxBytes`: a JSON body as a whole, an SSE stream per event. */
export function sizeBound(sse: boolean, maxBytes: number): BodyTap {
  const measure = sse ? sseEventSizes() : totalSize();
  return {
    chunk: (bytes) =>
      measure(bytes) > maxBytes ? new UpstreamMessageTooLargeError(maxBytes, sse ? 'one event of an SSE stream' : 'an HTTP response body') : undefined,
  };
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
