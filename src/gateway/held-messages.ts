// Server messages that belong to no request, held while the client has nowhere to receive them: a
// server often speaks right after `initialized` (list_changed, roots/list), before an HTTP client
// has opened its GET stream. Bounded; a held server-to-client request waits only so long.
import { isRequest, type JsonRpcMessage, type JsonRpcRequest } from '../protocol/jsonrpc.js';

export interface HeldMessagesOptions {
  /** How many messages are kept; past it, the oldest goes. */
  max?: number;
  /** How long a server-to-client request may wait for a stream before it is refused. */
  requestWaitMs?: number;
  /** Answers the server for a request that could not be delivered. */
  refuse(request: JsonRpcRequest): void;
}

interface HeldMessage {
  message: JsonRpcMessage;
  timer?: NodeJS.Timeout;
}

export class HeldMessages {
  private readonly held: HeldMessage[] = [];

  constructor(private readonly options: HeldMessagesOptions) {}

  hold(message: JsonRpcMessage): void {
    const oldest = this.held[0];
    if (oldest && this.held.length >= (this.options.max ?? 100)) this.drop(oldest, true);
    const item: HeldMessage = { message };
    if (isRequest(message)) item.timer = setTimeout(() => this.drop(item, true), this.options.requestWaitMs ?? 5_000).unref();
    this.held.push(item);
  }

  /** Hands every held message to `send`, oldest first, and forgets them. */
  release(send: (message: JsonRpcMessage) => void): void {
    for (const item of this.held.splice(0)) {
      clearTimeout(item.timer);
      send(item.message);
    }
  }

  /** Forgets everything (the session is ending, and its server with it). */
  clear(): void {
    for (const item of [...this.held]) this.drop(item, false);
  }

  private drop(item: HeldMessage, refuse: boolean): void {
    const index = this.held.indexOf(item);
    if (index < 0) return;
    this.held.splice(index, 1);
    clearTimeout(item.timer);
    if (refuse && isRequest(item.message)) this.options.refuse(item.message);
  }
}
