// What became of a request the gateway forwarded upstream.
import type { JsonRpcResponse } from '../protocol/jsonrpc.js';

export type ForwardResult =
  /** The server answered (a result or a JSON-RPC error). */
  | { kind: 'answered'; response: JsonRpcResponse }
  /** The request never reached the server: it provably did not run. */
  | { kind: 'not_delivered'; reason: string }
  /** The connection broke after the request was sent: the server may have run it. */
  | { kind: 'failed'; reason: string }
  /** No answer within the server's request timeout; a cancellation was sent. */
  | { kind: 'timeout'; afterMs: number };
