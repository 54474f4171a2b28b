// What a client-facing transport hands the gateway: a way to answer one request, and a stream for
// messages that belong to no request. The gateway never sees HTTP or stdio details.
import type { JsonRpcMessage, JsonRpcResponse } from '../protocol/jsonrpc.js';

/** Answers one client request. */
export interface ReplySink {
  /** A message tied to this request (progress, a server-to-client request); over HTTP the
   *  response becomes an SSE stream. */
  send(message: JsonRpcMessage): void;
  /** Sets a response header before anything is written (HTTP only; ignored elsewhere). */
  setHeader(name: string, value: string): void;
  /** The final response; ends the exchange. Later calls are ignored. */
  end(message: JsonRpcResponse): void;
  /** True once the response ended or the client went away. */
  readonly closed: boolean;
  /** Called once when the client goes away before the response ended. */
  onAbort(listener: () => void): void;
}

/** Carries server-to-client messages that belong to no request (the GET stream; stdout). */
export interface ClientStream {
  send(message: JsonRpcMessage): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
  close(): void;
}
