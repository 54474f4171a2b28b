// The client-facing Streamable HTTP transport: `/mcp/<server>` with POST, GET and DELETE. It checks
// HTTP-level rules (origin, size, encoding, message shape) and hands messages to an injected handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRequest } from '../../protocol/jsonrpc.js';
import { parseMessages } from '../../protocol/parse-message.js';
import { httpStatusFor, modernHttpStatus, wireError, type GatewayErrorCode } from '../../protocol/wire-errors.js';
import { HttpReply } from './http-reply.js';
import { HttpEventStream } from './http-stream.js';
import type { McpHttpHandler } from './mcp-http-handler.js';
import { classifyPost, headerValue, isModernVerbProbe } from './modern-post.js';
import { checkOrigin, type OriginPolicy } from './origin-check.js';
import { readBody } from './read-body.js';

export interface McpHttpServerOptions<Context> {
  handler: McpHttpHandler<Context>;
  origins: OriginPolicy;
  maxBodyBytes?: number;
  /** How long a client may take to send a request's headers (default 10 s); then 408 and the
   *  connection is closed, so a slow client cannot pin it. */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, headers and body (default 60 s). The
   *  answer is not bounded by it: a long tool call or an SSE stream outlives it. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (default 65 s: longer than the client's own
   *  idle time, so the client closes it first; decision 020). */
  keepAliveTimeoutMs?: number;
  /** Bytes one client's SSE stream (an answer, the GET stream) may leave unread before it is ended
   *  (default 8 MiB; see writeUnlessStuck in http-reply.ts). */
  maxUnreadBytes?: number;
  /** Where a stream ended for a client that stopped reading is reported. */
  logger?: import('../../lib/logger.js').Logger;
}

export interface McpHttpServer {
  readonly server: Server;
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Stops accepting connections; resolves once every open connection has ended. */
  close(): Promise<void>;
  /** Ends every open connection now (after a graceful close had its chance). */
  destroyConnections(): void;
}

const PATH = /^\/mcp\/([^/?#]+)\/?(?:\?.*)?$/;
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
const LISTEN_BACKLOG = 4096;
/** Past a load balancer's usual 60 s idle time, so it closes an idle connection first (decision 020). */
const DEFAULT_KEEP_ALIVE_MS = 65_000;

export function createMcpHttpServer<Context>(options: McpHttpServerOptions<Context>): McpHttpServer {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendPlain(res, 500, `internal error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = options.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS;
  // Node looks for expired requests only this often (30 s by default, read when listening).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1_000, server.headersTimeout / 4, server.requestTimeout / 4));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = PATH.exec(req.url ?? '');
    if (!match) return sendPlain(res, 404, 'not found: MCP servers are at /mcp/<server>');
    const refusal = checkOrigin(req.headers, options.origins);
    if (refusal) return sendPlain(res, 403, refusal);
    const verb = req.method;
    if (verb !== 'POST' && verb !== 'GET' && verb !== 'DELETE') {
      res.setHeader('allow', 'GET, POST, DELETE');
      return sendPlain(res, 405, `method ${verb} not allowed`);
    }
    const server = decodePathPart(match[1]!);
    if (server === undefined) return sendPlain(res, 404, 'not found: the server name in the path is not valid percent-encoding');
    const sessionId = headerValue(req.headers['mcp-session-id']);
    const authorization = headerValue(req.headers.authorization);
    if (verb === 'POST') return handlePost(req, res, server, sessionId, authorization);
    // 2026-07-28 is POST only: a stateless client has no stream to open and no session to end.
    if (isModernVerbProbe(req.headers, sessionId)) {
      res.setHeader('allow', 'POST');
      return sendPlain(res, 405, `method ${verb} not allowed: protocol revision 2026-07-28 is POST only`);
    }

    const admission = await options.handler.admit({ server, verb, sessionId, authorization, initialize: false, modern: false });
    if (admission.kind === 'rejected') return sendRejection(res, admission);
    if (verb === 'GET') {
      if (!acceptsEventStream(req)) return sendPlain(res, 406, 'GET needs Accept: text/event-stream');
      options.handler.openStream(admission.context, new HttpEventStream(res, options));
      return;
    }
    await options.handler.endSession(admission.context);
    sendPlain(res, 200, 'session ended');
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse, server: string, sessionId: string | undefined, authorization: string | undefined): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) return sendPlain(res, 415, 'POST needs Content-Type: application/json');
    const body = await readBody(req, maxBody);
    if (body.kind === 'too_large') return sendJsonError(res, 413, 'INVALID_REQUEST', `request body exceeds ${maxBody} bytes`);
    if (body.kind === 'bad_encoding') return sendJsonError(res, 400, 'PARSE_ERROR', 'Parse error: body is not valid UTF-8');
    if (body.kind === 'aborted') return;
    const parsed = parseMessages(body.text);
    if (parsed.kind === 'invalid') return sendJsonError(res, httpStatusFor(parsed.code), parsed.code, parsed.message);

    const modern = classifyPost(req.headers, req.headersDistinct, sessionId, parsed);
    if (modern.kind === 'refused') return sendJson(res, modern.status, modern.error);
    if (modern.kind !== 'legacy') {
      const admission = await options.handler.admit({ server, verb: 'POST', sessionId, authorization, initialize: false, modern: true });
      if (admission.kind === 'rejected') return sendRejection(res, admission);
      // A stateless notification belongs to no request that is still open here: accepted, dropped.
      if (modern.kind === 'notification') return void res.writeHead(202).end();
      options.handler.handleRequest(admission.context, modern.request, new HttpReply(res, modernHttpStatus, options));
      return;
    }

    const single = parsed.kind === 'single' ? parsed.message : undefined;
    const initialize = single !== undefined && isRequest(single) && single.method === 'initialize';
    const admission = await options.handler.admit({ server, verb: 'POST', sessionId, authorization, initialize, modern: false });
    if (admission.kind === 'rejected') return sendRejection(res, admission);

    if (single && isRequest(single)) {
      options.handler.handleRequest(admission.context, single, new HttpReply(res, undefined, options));
      return;
    }
    const messages = parsed.kind === 'batch' ? parsed.messages : [single!];
    for (const message of messages) options.handler.handleMessage(admission.context, message);
    res.writeHead(202).end();
  }

  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        // A burst of agents (a thousand calls at once) must queue, not be refused: Node's default
        // backlog is 511; the kernel caps it at net.core.somaxconn.
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
    destroyConnections: () => server.closeAllConnections(),
  };
}

/** `%ZZ` or an encoded lone surrogate makes decodeURIComponent throw: that is a bad path, not a crash. */
function decodePathPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function acceptsEventStream(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/event-stream') || accept.includes('*/*');
}

function sendPlain(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', id: null, error: { code: status === 404 ? -32001 : -32000, message } });
}

function sendJsonError(res: ServerResponse, status: number, code: GatewayErrorCode, message: string): void {
  sendJson(res, status, wireError(code, null, message));
}

function sendRejection(res: ServerResponse, rejection: { status: number; message: string; headers?: Record<string, string> }): void {
  for (const [name, value] of Object.entries(rejection.headers ?? {})) res.setHeader(name, value);
  sendPlain(res, rejection.status, rejection.message);
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
