// The standalone SSE stream a client opens with GET: server messages that belong to no request.
import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { ClientStream } from '../client-channel.js';
import { sseEvent } from './http-reply.js';

const KEEPALIVE_MS = 25_000;

export class HttpEventStream implements ClientStream {
  private open = true;
  private readonly listeners: Array<() => void> = [];
  private readonly keepalive: NodeJS.Timeout;

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
    res.on('close', () => this.markClosed());
  }

  get closed(): boolean {
    return !this.open;
  }

  send(message: JsonRpcMessage): void {
    if (this.open) this.res.write(sseEvent(message));
  }

  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (!this.open) return;
    this.res.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.keepalive);
    for (const listener of this.listeners) listener();
  }
}
