// One POST's answer: plain JSON when the response comes alone, switched to an SSE stream as soon as
// a related message (progress, a server-to-client request) must go out first.
import type { ServerResponse } from 'node:http';
import type { JsonRpcMessage, JsonRpcResponse } from '../../protocol/jsonrpc.js';
import type { ReplySink } from '../client-channel.js';

export function sseEvent(message: JsonRpcMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

export class HttpReply implements ReplySink {
  private mode: 'pending' | 'sse' | 'done' = 'pending';
  private readonly abortListeners: Array<() => void> = [];

  constructor(private readonly res: ServerResponse) {
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
    this.res.write(sseEvent(message));
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
    this.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  onAbort(listener: () => void): void {
    this.abortListeners.push(listener);
  }
}
