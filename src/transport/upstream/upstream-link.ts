// One connection to one upstream MCP server, whatever carries it (stdio child, Streamable HTTP,
// legacy HTTP+SSE). Built on the official SDK's client transports.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { withinTime } from '../../lib/within-time.js';
import type { JsonRpcId, JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { LostHandler } from './watched-fetch.js';

export interface UpstreamLink {
  /** Delivers one message; rejects when it could not be handed to the server (when it may have
   *  reached it, `onLost` is told first). */
  send(message: JsonRpcMessage): Promise<void>;
  onMessage(handler: (message: JsonRpcMessage) => void): void;
  /** Called for a request whose answer can no longer arrive though the server may have run it
   *  (its HTTP answer stream broke); the connection itself lives on. */
  onLost(handler: (id: JsonRpcId, reason: string) => void): void;
  /** Called once, when the connection ends for any reason. */
  onClose(handler: (reason: string) => void): void;
  /** Tells an HTTP transport which protocol version the session negotiated. */
  setProtocolVersion(version: string): void;
  close(): Promise<void>;
  readonly description: string;
}

export interface LinkOptions {
  /** Runs when the gateway closes the link, before the transport closes (e.g. ending an HTTP
   *  session with DELETE); bounded by CLOSE_STEP_MS so a hung server cannot stall a session's end. */
  beforeClose?: () => Promise<void>;
  /** Errors after which the connection is gone even though the transport does not close itself
   *  (a legacy HTTP+SSE event stream that broke: its server session ended with it). */
  isFatal?: (error: Error) => boolean;
  /** Registers the handler lost requests are reported to (see watched-fetch.ts). */
  lostRequests?: (handler: LostHandler) => void;
}

const CLOSE_STEP_MS = 2_000;

/** A send refused because the link had already closed: nothing was written anywhere. */
export class LinkClosedError extends Error {
  override readonly name: string = 'LinkClosedError';
}

/** The server answered 404 to a request of an HTTP session it no longer knows (it restarted, or
 *  timed the session out): the request was not handled, and the link is of no more use. */
export class UpstreamSessionEndedError extends LinkClosedError {
  override readonly name = 'UpstreamSessionEndedError';
}

/** Adapts a started SDK transport to an UpstreamLink. */
export function linkFromTransport(transport: Transport, description: string, options: LinkOptions = {}): UpstreamLink {
  let messageHandler: (message: JsonRpcMessage) => void = () => {};
  const closeHandlers: Array<(reason: string) => void> = [];
  let closed = false;
  let lastError = '';
  const fireClose = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const handler of closeHandlers) handler(reason);
  };
  transport.onmessage = (message) => messageHandler(message as JsonRpcMessage);
  transport.onerror = (error) => {
    lastError = error.message;
    if (!closed && options.isFatal?.(error)) void transport.close().catch(() => undefined);
  };
  transport.onclose = () => fireClose(lastError ? `connection closed: ${lastError}` : 'connection closed');
  return {
    description,
    send: async (message) => {
      if (closed) throw new LinkClosedError(`${description}: connection is closed`);
      await transport.send(message as Parameters<Transport['send']>[0]);
    },
    onMessage: (handler) => {
      messageHandler = handler;
    },
    onClose: (handler) => {
      closeHandlers.push(handler);
    },
    onLost: (handler) => options.lostRequests?.(handler),
    setProtocolVersion: (version) => transport.setProtocolVersion?.(version),
    close: async () => {
      if (options.beforeClose && !closed) await withinTime(options.beforeClose(), CLOSE_STEP_MS);
      await transport.close().catch(() => undefined);
      fireClose('closed by the gateway');
    },
  };
}
