// The standalone SSE stream a client opens with GET: server messages that belong to no request.
// Ended when the client leaves too much unread (see writeUnlessStuck).
import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { ClientStream } from '../client-channel.js';
import { sseEvent, writeUnlessStuck, type ClientWriteLimits } from './http-reply.js';

const KEEPALIVE_MS = 25_000;

export class HttpEventStream implements ClientStream {
  private open = true;
  private readonly listeners: Array<() => void> = [];
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: ClientWriteLimits = {},
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
    res.on('close', () => this.markClosed());
  }

  get closed(): boolean {
    return !this.open;
  }

  send(message: JsonRpcMessage): void {
    this.write(sseEvent(message));
  }

  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (!this.open) return;
    this.res.end();
    this.markClosed();
  }

  private write(chunk: string): void {
    if (this.open) writeUnlessStuck(this.res, chunk, this.limits, 'the GET event stream');
  }

  private markClosed(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.keepalive);
    for (const listener of this.listeners) listener();
  }
}
