// Holds a Streamable HTTP session's messages until the server holds its GET event stream (decision
// 021): the stream is opened once `notifications/initialized` is accepted (as the SDK client opens
// its own), and what is sent after that waits for the server's answer to the GET. An SDK server
// drops what it sends outside any request while it holds no such stream: a question asked the
// moment a tool runs would be lost to the session's first call.
import { withinTime } from '../../lib/within-time.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';

/** How long a session's messages wait for the server to answer its GET before they go anyway: an
 *  HTTP server that writes an event stream's headers only with its first event never answers. */
export const EVENT_STREAM_WAIT_MS = 2_000;

/**
 * Wraps a link's `send`: once `notifications/initialized` has been sent and accepted, the event
 * stream is opened, and every message sent from the moment `initialized` was sent waits until the
 * server has answered that GET (or `waitMs` passed). Messages keep their order: each waits on the
 * same gate. An `initialized` the server refused opens no stream and holds nothing.
 */
export function sendAfterEventStream(
  send: (message: JsonRpcMessage) => Promise<void>,
  openStream: () => Promise<void>,
  waitMs = EVENT_STREAM_WAIT_MS,
): (message: JsonRpcMessage) => Promise<void> {
  let gate: Promise<void> | undefined;
  return async (message) => {
    if (isInitializedNotification(message)) {
      const sending = send(message);
      gate = sending.then(
        () => withinTime(openStream(), waitMs),
        () => undefined,
      );
      return sending;
    }
    if (gate) await gate;
    return send(message);
  };
}

function isInitializedNotification(message: JsonRpcMessage): boolean {
  return 'method' in message && !('id' in message) && message.method === 'notifications/initialized';
}
