// One POST's answer: plain JSON when the response comes alone, switched to an SSE stream as soon as
// a related message (progress, a server-to-client request) must go out first. A client that stops
// reading its stream has it ended once too much waits for it (see writeUnlessStuck).
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../lib/logger.js';
import type { JsonRpcMessage, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import type { ReplySink } from '../client-channel.js';

/** How much one client's stream may leave unread before it is ended. */
export interface ClientWriteLimits {
  /** Bytes waiting for the client (in the response and its socket) past which the stream is ended;
   *  default DEFAULT_MAX_UNREAD_BYTES. Checked before each write, so one message may go past it:
   *  keep it above the largest message, or a client that reads would be cut behind a big one. */
  maxUnreadBytes?: number;
  /** Told (at warn) of every stream ended for it. */
  logger?: Logger;
}

/** Twice the largest upstream message (4 MiB): a client that reads at all never meets it. */
export const DEFAULT_MAX_UNREAD_BYTES = 8 * 1024 * 1024;

export function sseEvent(message: JsonRpcMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** Writes `chunk` to a stream that stays open between messages, unless the client has left more
 *  than the bound unread: then the connection is destroyed (freeing what waits in it), the reason
 *  logged, and false returned. Without this a client that never reads makes the gateway buffer
 *  everything its stream is sent, without limit. */
export function writeUnlessStuck(res: ServerResponse, chunk: string, limits: ClientWriteLimits, what: string): boolean {
  const unread = res.writableLength;
  const max = limits.maxUnreadBytes ?? DEFAULT_MAX_UNREAD_BYTES;
  if (unread <= max) {
    res.write(chunk);
    return true;
  }
  const session = res.req?.headers['mcp-session-id'];
  limits.logger?.warn({ session, remote: res.socket?.remoteAddress, unreadBytes: unread, maxUnreadBytes: max }, `ended ${what}: the client left over ${max} bytes unread`);
  res.destroy();
  return false;
}

export class HttpReply implements ReplySink {
  private mode: 'pending' | 'sse' | 'done' = 'pending';
  private readonly abortListeners: Array<() => void> = [];

  /** `statusOf`: the HTTP status of a plain-JSON answer (2026-07-28 maps some errors to 404/400). */
  constructor(
    private readonly res: ServerResponse,
    private readonly statusOf: (message: JsonRpcResponse) => number = () => 200,
    private readonly limits: ClientWriteLimits = {},
  ) {
    res.on('close', () => {
      if (this.mode === 'done') return;
      this.mode = 'done';
      for (const listener of this.abortListeners) listener();
    });
  }

  get closed(): boolean {
    return this.mode === 'done';
  }

  setHeader(name: string, value: string): void {
    if (!this.res.headersSent) this.res.setHeader(name, value);
  }

  send(message: JsonRpcMessage): void {
    if (this.mode === 'done') return;
    if (this.mode === 'pending') {
      this.mode = 'sse';
      this.res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      });
    }
    writeUnlessStuck(this.res, sseEvent(message), this.limits, 'an answer stream');
  }

  end(message: JsonRpcResponse): void {
    if (this.mode === 'done') return;
    if (this.mode === 'sse') {
      this.mode = 'done';
      this.res.end(sseEvent(message));
      return;
    }
    this.mode = 'done';
    const body = JSON.stringify(message);
    this.res.writeHead(this.statusOf(message), { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  onAbort(listener: () => void): void {
    this.abortListeners.push(listener);
  }
}
