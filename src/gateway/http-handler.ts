// Serves `/mcp/<server>` for the HTTP transport: authenticates the grant, binds sessions to it, and
// opens a client session (with its own upstream) on `initialize`. A 2026-07-28 request has no session:
// it is served on its own, over the server's shared connection (modern-exchange.ts).
import type { Grant, GrantStore } from '../grants/grant-store.js';
import { grantReaches } from '../grants/grant-store.js';
import type { Logger } from '../lib/logger.js';
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from '../protocol/jsonrpc.js';
import { wireError } from '../protocol/wire-errors.js';
import type { ClientStream, ReplySink } from '../transport/client-channel.js';
import type { HttpAdmission, HttpAdmissionInput, McpHttpHandler } from '../transport/http/mcp-http-handler.js';
import type { PipelineDeps } from './call-pipeline.js';
import { ClientSession } from './client-session.js';
import { serveModernRequest } from './modern-exchange.js';
import type { ServerRuntime } from './server-runtime.js';

export interface HttpContext {
  runtime: ServerRuntime;
  grant: Grant;
  session?: ClientSession;
  /** A stateless (2026-07-28) request: no session, its envelope and headers already checked. */
  modern?: boolean;
}

export interface GatewayHttpHandlerOptions {
  runtimes: ReadonlyMap<string, ServerRuntime>;
  /** Undefined when the config says `auth: none`. */
  grants: GrantStore | undefined;
  deps: PipelineDeps;
  logger: Logger;
  /** A session with no request and no open stream for this long is ended. */
  idleSessionMs?: number;
}

export interface GatewayHttpHandler extends McpHttpHandler<HttpContext> {
  readonly sessions: ReadonlyMap<string, ClientSession>;
  /** From now on new requests are refused, never forwarded; notifications and responses still pass. */
  beginStop(): void;
  closeAll(reason: string): Promise<void>;
}

const SWEEP_MS = 2_000;
const ANONYMOUS: Grant = { id: 'anonymous', name: 'anonymous', servers: ['*'], createdAt: 0 };

export function createGatewayHttpHandler(options: GatewayHttpHandlerOptions): GatewayHttpHandler {
  const sessions = new Map<string, ClientSession>();
  const streamOpen = new Set<ClientSession>();
  const current = new WeakMap<ClientSession, ClientStream>();
  let stopping = false;
  const idleMs = options.idleSessionMs ?? 15 * 60_000;
  // Requests are checked against the grant store one by one; a session that only holds a stream
  // open is checked here, so a revoked grant loses its stream (and its upstream) within seconds.
  // A shared store also announces revokes, which end the grant's sessions at once.
  const sweep = setInterval(() => void sweepSessions(), Math.min(SWEEP_MS, idleMs));
  sweep.unref();
  let sweeping = false;
  const stopWatching = options.grants?.watchRevocations?.({
    revoked: (grantId) => {
      for (const session of [...sessions.values()]) if (session.grantId === grantId) void session.close('grant revoked');
    },
    // Announcements made while this replica was not listening are lost: check every session now.
    resync: () => void sweepSessions(),
  });

  async function sweepSessions(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      const cutoff = Date.now() - idleMs;
      const checks = new Map<string, Promise<boolean>>();
      for (const session of [...sessions.values()]) {
        if (session.lastActivity < cutoff && !streamOpen.has(session)) void session.close('idle timeout');
        else if (!(await grantStillLive(session, checks))) void session.close('grant revoked');
      }
    } finally {
      sweeping = false;
    }
  }

  /** A grant that cannot be checked (the store is busy, broken or unreachable) counts as revoked: fail closed. */
  async function grantStillLive(session: ClientSession, checks: Map<string, Promise<boolean>>): Promise<boolean> {
    const grants = options.grants;
    if (!grants || session.grantId === ANONYMOUS.id) return true;
    let check = checks.get(session.grantId);
    if (!check) {
      const grantId = session.grantId;
      check = Promise.resolve()
        .then(() => grants.isLive(grantId))
        .catch((error: unknown) => {
          options.logger.error({ err: error, grant: grantId }, 'cannot check a grant; ending its sessions');
          return false;
        });
      checks.set(grantId, check);
    }
    return check;
  }

  async function admit(input: HttpAdmissionInput): Promise<HttpAdmission<HttpContext>> {
    const runtime = options.runtimes.get(input.server);
    if (!runtime) return { kind: 'rejected', status: 404, message: `unknown server "${input.server}"` };
    let grant: Grant | undefined;
    try {
      grant = await authenticate(input.authorization);
    } catch (error) {
      // Fail closed: a token that cannot be checked is refused, never trusted.
      options.logger.error({ err: error, server: input.server }, 'cannot check a grant token; refusing the request');
      return { kind: 'rejected', status: 503, message: 'the grant store is unavailable, so the grant token cannot be checked; the request was refused (try again shortly)', headers: { 'retry-after': '1' } };
    }
    if (!grant) {
      return { kind: 'rejected', status: 401, message: 'a valid grant token is required: Authorization: Bearer <token>', headers: { 'www-authenticate': 'Bearer realm="toolgate"' } };
    }
    if (!grantReaches(grant, runtime.name)) return { kind: 'rejected', status: 403, message: `grant "${grant.name}" may not reach server "${runtime.name}"` };
    if (input.sessionId === undefined) {
      if (input.verb === 'POST' && input.modern) return { kind: 'admitted', context: { runtime, grant, modern: true } };
      if (input.verb === 'POST' && input.initialize) return { kind: 'admitted', context: { runtime, grant } };
      return { kind: 'rejected', status: 400, message: 'Bad Request: Mcp-Session-Id header is required (send initialize first)' };
    }
    const session = sessions.get(input.sessionId);
    if (!session || session.closed) return { kind: 'rejected', status: 404, message: 'session not found' };
    if (session.grantId !== grant.id) return { kind: 'rejected', status: 403, message: 'this session belongs to another grant' };
    if (!runtime.sessionIds.has(session.id)) return { kind: 'rejected', status: 404, message: 'session not found on this server' };
    if (input.initialize) return { kind: 'rejected', status: 400, message: 'Bad Request: this session is already initialized' };
    return { kind: 'admitted', context: { runtime, grant, session } };
  }

  async function authenticate(authorization: string | undefined): Promise<Grant | undefined> {
    if (!options.grants) return ANONYMOUS;
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? options.grants.authenticate(match[1]!) : undefined;
  }

  function openSession(context: HttpContext, request: JsonRpcRequest, reply: ReplySink): void {
    const session = new ClientSession({ runtime: context.runtime, grantId: context.grant.id, deps: options.deps, logger: options.logger });
    sessions.set(session.id, session);
    context.runtime.sessionIds.add(session.id);
    session.onEnd(() => {
      sessions.delete(session.id);
      context.runtime.sessionIds.delete(session.id);
      streamOpen.delete(session);
    });
    reply.setHeader('mcp-session-id', session.id);
    session.handleRequest(request, endWith(reply, (response) => {
      if ('error' in response) void session.close('initialize failed');
    }));
  }

  /** One stateless request: a session of its own on the shared connection, closed with its answer
   *  (which never closes the shared connection). */
  function serveStateless(context: HttpContext, request: JsonRpcRequest, reply: ReplySink): void {
    const { runtime, grant } = context;
    serveModernRequest({
      serverInfo: () => runtime.sharedUpstream('modern').serverInfo(),
      forward: (forwarded, modernReply) => {
        const session = new ClientSession({ runtime, grantId: grant.id, deps: options.deps, logger: options.logger, stateless: true });
        session.handleRequest(forwarded, endWith(modernReply, () => void session.close('request answered')));
      },
      logger: options.logger,
    }, request, reply);
  }

  return {
    sessions,
    admit,
    handleRequest: (context, request, reply) => {
      // A keep-alive connection can still carry a request after stop began: the server it would
      // reach is about to be closed, so it is refused before anything runs.
      if (stopping) return reply.end(wireError('UPSTREAM_UNAVAILABLE', request.id, 'Upstream unavailable: the gateway is stopping; the request was not sent'));
      if (context.modern) return serveStateless(context, request, reply);
      if (!context.session) return openSession(context, request, reply);
      context.session.handleRequest(request, reply);
    },
    handleMessage: (context: HttpContext, message: JsonRpcMessage) => context.session?.handleMessage(message),
    openStream: (context: HttpContext, stream: ClientStream) => {
      const session = context.session!;
      // A second GET replaces the first; only the stream still current may mark the session streamless.
      current.set(session, stream);
      streamOpen.add(session);
      stream.onClose(() => {
        if (current.get(session) !== stream) return;
        current.delete(session);
        streamOpen.delete(session);
      });
      session.attachStream(stream);
    },
    endSession: async (context: HttpContext) => {
      await context.session?.close('client ended the session');
    },
    beginStop: () => {
      stopping = true;
    },
    closeAll: async (reason) => {
      clearInterval(sweep);
      stopWatching?.();
      await Promise.all([...sessions.values()].map((session) => session.close(reason)));
    },
  };
}

/** A reply that also tells `onEnd` what the final response was. */
function endWith(reply: ReplySink, onEnd: (response: JsonRpcResponse) => void): ReplySink {
  return {
    send: (message) => reply.send(message),
    setHeader: (name, value) => reply.setHeader(name, value),
    end: (response) => {
      reply.end(response);
      onEnd(response);
    },
    get closed() {
      return reply.closed;
    },
    onAbort: (listener) => reply.onAbort(listener),
  };
}
