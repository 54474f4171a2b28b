// Serves one 2026-07-28 (stateless) request in front of a legacy server (Bridge A in PROTOCOL.md):
// answers `server/discover` from the server's initialize result, refuses what the revision removed,
// and forwards the rest without the `_meta` envelope, shaping the answer as a modern client reads it.
// Transport-neutral: the HTTP handler and the stdio router both call it after checking the envelope.
import type { Logger } from '../lib/logger.js';
import { isNotification, isRequest, resultResponse, type JsonRpcMessage, type JsonRpcRequest } from '../protocol/jsonrpc.js';
import { checkEnvelope, logLevelAdmits, withoutEnvelope, type ModernEnvelope } from '../protocol/modern-envelope.js';
import { discoverResult, REMOVED_METHODS, toModernResponse } from '../protocol/modern-results.js';
import { wireError } from '../protocol/wire-errors.js';
import type { ReplySink } from '../transport/client-channel.js';

export interface ModernTarget {
  /** The server's initialize result: toolgate opens and initializes the shared connection itself. */
  serverInfo(): Promise<Record<string, unknown>>;
  /** Sends the request (envelope removed) through a session, policy pipeline included; the answer
   *  comes back on `reply`. */
  forward(request: JsonRpcRequest, reply: ReplySink): void;
  logger: Logger;
}

/** Methods a stateless client may send that toolgate cannot bridge yet (no listen streams). */
const NOT_BRIDGED: ReadonlySet<string> = new Set(['subscriptions/listen']);

/** Serves a modern request. Its envelope is checked here too, so no transport can skip that. */
export function serveModernRequest(target: ModernTarget, request: JsonRpcRequest, reply: ReplySink): void {
  // A removed method is named as such, with or without an envelope (a late `initialize` on stdio).
  if (REMOVED_METHODS.has(request.method)) {
    return reply.end(wireError('METHOD_NOT_FOUND', request.id, `Method not found: ${request.method} does not exist in protocol revision 2026-07-28`));
  }
  if (NOT_BRIDGED.has(request.method)) {
    return reply.end(wireError('METHOD_NOT_FOUND', request.id, `Method not found: ${request.method} is not served by this gateway`));
  }
  const checked = checkEnvelope(request.params);
  if (checked.kind === 'invalid') return reply.end(wireError(checked.code, request.id, checked.message, checked.data));
  const info = target.serverInfo();
  // Results carry the server's self-description once it is known; an answer never waits for it
  // (a denial is answered at once even while the server is starting or down). The server is
  // initialized before anything is forwarded, so a forwarded answer always finds it known.
  let serverInfo: unknown;
  info.then((initialize) => (serverInfo = initialize['serverInfo']), () => undefined);
  if (request.method === 'server/discover') {
    info.then(
      (initialize) => reply.end(resultResponse(request.id, discoverResult(initialize))),
      (error: unknown) => reply.end(wireError('UPSTREAM_UNAVAILABLE', request.id, `Upstream unavailable: ${(error as Error).message}`)),
    );
    return;
  }
  target.forward(withoutEnvelope(request), modernReply(reply, request.method, checked.envelope, () => serverInfo, target.logger));
}

/**
 * The reply a forwarded request answers through: only the request's own progress, logs only at the
 * level it asked for, no server-to-client requests (a stateless client has no way to answer them),
 * and the final answer in the modern shape.
 */
function modernReply(reply: ReplySink, method: string, envelope: ModernEnvelope, serverInfo: () => unknown, logger: Logger): ReplySink {
  let ended = false;
  return {
    send: (message: JsonRpcMessage) => {
      if (relatedMessageAllowed(message, envelope)) return reply.send(message);
      if (isRequest(message)) logger.warn({ method: message.method }, 'a server-to-client request cannot reach a 2026-07-28 client; dropped');
    },
    setHeader: (name, value) => reply.setHeader(name, value),
    end: (response) => {
      if (ended) return;
      ended = true;
      reply.end(toModernResponse(method, response, serverInfo()));
    },
    get closed() {
      return ended || reply.closed;
    },
    onAbort: (listener) => reply.onAbort(listener),
  };
}

function relatedMessageAllowed(message: JsonRpcMessage, envelope: ModernEnvelope): boolean {
  if (!isNotification(message)) return false;
  if (message.method === 'notifications/progress') return envelope.progressToken !== undefined && message.params?.['progressToken'] === envelope.progressToken;
  if (message.method === 'notifications/message') return logLevelAdmits(envelope.logLevel, message.params?.['level']);
  return false;
}
