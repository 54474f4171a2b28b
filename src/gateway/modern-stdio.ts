// The era of a stdio client (`toolgate wrap`), decided by its opening as a dual-era server does: a
// first request that claims the 2026-07-28 `_meta` envelope (or is `server/discover`) makes the
// connection modern for good; anything else (normally `initialize`) makes it legacy. A legacy
// connection is one session with the server as its child, as before; a modern one is served request
// by request over the server's shared connection, which toolgate initializes itself.
import type { Logger } from '../lib/logger.js';
import { isNotification, type JsonRpcMessage, type JsonRpcRequest } from '../protocol/jsonrpc.js';
import { claimsModernEnvelope } from '../protocol/modern-envelope.js';
import type { ReplySink } from '../transport/client-channel.js';
import type { StdioHandler } from '../transport/stdio/stdio-server.js';
import type { ClientSession } from './client-session.js';
import { serveModernRequest, type ModernTarget } from './modern-exchange.js';

export type StdioEra = 'undecided' | 'legacy' | 'modern';

export interface StdioEraRouterOptions {
  /** The session a legacy client talks to (its upstream opens on first use). */
  legacy: ClientSession;
  /** A session on the server's shared connection, for a modern client; opened on the first modern request. */
  openModern(): ClientSession;
  /** The server's initialize result (the shared connection, initialized by toolgate). */
  serverInfo(): Promise<Record<string, unknown>>;
  logger: Logger;
}

export interface StdioEraRouter extends StdioHandler {
  readonly era: StdioEra;
  /** Ends the modern session, if one was opened (the legacy one is its owner's to close). */
  close(reason: string): Promise<void>;
}

export function createStdioEraRouter(options: StdioEraRouterOptions): StdioEraRouter {
  let era: StdioEra = 'undecided';
  let modern: ClientSession | undefined;
  const target: ModernTarget = {
    serverInfo: options.serverInfo,
    forward: (request, reply) => modernSession().handleRequest(request, reply),
    logger: options.logger,
  };

  function modernSession(): ClientSession {
    modern ??= options.openModern();
    return modern;
  }

  return {
    get era() {
      return era;
    },
    handleRequest(request: JsonRpcRequest, reply: ReplySink): void {
      if (era === 'undecided') era = request.method === 'server/discover' || claimsModernEnvelope(request.params) ? 'modern' : 'legacy';
      // Pinned: after a modern opening, `initialize` is a removed method; a request without the
      // envelope is refused for lacking it (stdio has no headers to check, the body still must say).
      if (era === 'modern') return serveModernRequest(target, request, reply);
      options.legacy.handleRequest(request, reply);
    },
    handleMessage(message: JsonRpcMessage): void {
      if (era !== 'modern') return options.legacy.handleMessage(message);
      // Over stdio a modern client cancels with notifications/cancelled; it never answers the
      // server (servers send it no requests) and has nothing else to say.
      if (isNotification(message) && message.method === 'notifications/cancelled') modern?.handleMessage(message);
    },
    async close(reason: string): Promise<void> {
      await modern?.close(reason);
    },
  };
}
