// The contract between the client-facing HTTP transport and whoever serves MCP behind it (the
// gateway injects an implementation; the transport never imports policy or state).
import type { JsonRpcMessage, JsonRpcRequest } from '../../protocol/jsonrpc.js';
import type { ClientStream, ReplySink } from '../client-channel.js';

export interface HttpAdmissionInput {
  /** The `<server>` of `/mcp/<server>`. */
  server: string;
  verb: 'GET' | 'POST' | 'DELETE';
  sessionId: string | undefined;
  authorization: string | undefined;
  /** For POST: whether the body is an `initialize` request (which opens a session). */
  initialize: boolean;
  /** For POST: a 2026-07-28 (stateless) message with no session, its envelope and mirrored
   *  headers already checked against the body. */
  modern: boolean;
}

export type HttpAdmission<Context> =
  | { kind: 'admitted'; context: Context }
  | { kind: 'rejected'; status: number; message: string; headers?: Record<string, string> };

export interface McpHttpHandler<Context> {
  /** May be asynchronous: e.g. a grant checked against a shared store. */
  admit(input: HttpAdmissionInput): HttpAdmission<Context> | Promise<HttpAdmission<Context>>;
  /** A request: answer through `reply`. A modern request comes with a context admitted as modern. */
  handleRequest(context: Context, request: JsonRpcRequest, reply: ReplySink): void;
  /** A notification or a response (to a server-to-client request); the client gets 202. */
  handleMessage(context: Context, message: JsonRpcMessage): void;
  /** GET: the client's stream for messages that belong to no request. */
  openStream(context: Context, stream: ClientStream): void;
  /** DELETE: the client ends its session. */
  endSession(context: Context): Promise<void>;
}
