// One connection to one upstream MCP server, whatever carries it (stdio child, Streamable HTTP,
// legacy HTTP+SSE). Built on the official SDK's client transports.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';

export interface UpstreamLink {
  /** Delivers one message; rejects when it could not be handed to the server. */
  send(message: JsonRpcMessage): Promise<void>;
  onMessage(handler: (message: JsonRpcMessage) => void): void;
  /** Called once, when the connection ends for any reason. */
  onClose(handler: (reason: string) => void): void;
  /** Tells an HTTP transport which protocol version the session negotiated. */
  setProtocolVersion(version: string): void;
  close(): Promise<void>;
  readonly description: string;
}

/** Adapts a started SDK transport to an UpstreamLink. */
export function linkFromTransport(transport: Transport, description: string): UpstreamLink {
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
  };
  transport.onclose = () => fireClose(lastError ? `connection closed: ${lastError}` : 'connection closed');
  return {
    description,
    send: async (message) => {
      if (closed) throw new Error(`${description}: connection is closed`);
      await transport.send(message as Parameters<Transport['send']>[0]);
    },
    onMessage: (handler) => {
      messageHandler = handler;
    },
    onClose: (handler) => {
      closeHandlers.push(handler);
    },
    setProtocolVersion: (version) => transport.setProtocolVersion?.(version),
    close: async () => {
      await transport.close().catch(() => undefined);
      fireClose('closed by the gateway');
    },
  };
}
