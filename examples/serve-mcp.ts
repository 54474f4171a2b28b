// Runs an MCP server built by a factory over stdio (default) or, with `--http <port>`, over
// Streamable HTTP at http://127.0.0.1:<port>/mcp with one Server per session. Shared by the demo
// MLflow server and the test fixtures, so both speak the transports the gateway fronts.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport, type StreamableHTTPServerTransportOptions } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export type ServeMode = { kind: 'stdio' } | { kind: 'http'; port: number };

/** HTTP only: resumable answer streams (an event store, and the reconnect delay clients are told). */
export type HttpServeOptions = Pick<StreamableHTTPServerTransportOptions, 'eventStore' | 'retryInterval'>;

// Parses `[--http <port>]` (or `--http=<port>`); anything else is a usage error.
export function parseServeArgs(argv: readonly string[]): ServeMode {
  if (argv.length === 0) return { kind: 'stdio' };
  const [flag, value, ...rest] = argv[0]?.startsWith('--http=') ? ['--http', argv[0].slice(7), ...argv.slice(1)] : argv;
  const port = Number(value);
  if (flag !== '--http' || rest.length > 0 || value === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`usage: [--http <port>] (port 0 picks a free one); got: ${argv.join(' ')}`);
  }
  return { kind: 'http', port };
}

function sendError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** Streamable HTTP sessions of one endpoint: one Server per session, the Host header checked. */
export interface SessionHandler {
  /** Serves one request; `parsedBody` when the caller has already read the body. */
  handle(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  /** The Host values accepted (DNS rebinding protection), once the port is known. */
  allowHosts(hosts: string[]): void;
}

export function createSessionHandler(createServer: () => Server, extra: HttpServeOptions = {}): SessionHandler {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts: string[] = [];
  return {
    allowHosts: (hosts) => {
      allowedHosts = hosts;
    },
    handle: async (req, res, parsedBody) => {
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        const transport = sessions.get(sessionId);
        if (!transport) return sendError(res, 404, 'Session not found');
        return transport.handleRequest(req, res, parsedBody);
      }
      if (req.method !== 'POST') return sendError(res, 400, 'Bad Request: no Mcp-Session-Id header');
      // A POST without a session may only be `initialize`; the transport itself rejects anything else.
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
        onsessionclosed: (id) => void sessions.delete(id),
        enableDnsRebindingProtection: true,
        allowedHosts,
        ...extra,
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      const server = createServer();
      await server.connect(transport);
      await transport.handleRequest(req, res, parsedBody);
      if (!transport.sessionId) await server.close();
    },
  };
}

/** Listens on loopback and prints `listening on http://127.0.0.1:<port>/mcp`; requests for another
 *  path are 404. `handle` gets the rest; `onPort` learns the port before the first request. */
export async function listenMcp(port: number, label: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, onPort: (port: number) => void): Promise<void> {
  const http = createHttpServer((req, res) => {
    const served = new URL(req.url ?? '/', 'http://localhost').pathname === '/mcp' ? handle(req, res) : Promise.resolve(sendError(res, 404, 'Not found: the endpoint is /mcp'));
    served.catch((error: unknown) => {
      process.stderr.write(`${label}: request failed: ${String(error)}\n`);
      if (!res.headersSent) sendError(res, 500, 'Internal server error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  onPort(bound);
  process.stderr.write(`listening on http://127.0.0.1:${bound}/mcp\n`);
}

/** Loopback only, and Host checked: a browser page cannot reach the server through DNS rebinding. */
export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

async function serveHttp(createServer: () => Server, port: number, label: string, extra: HttpServeOptions): Promise<void> {
  const sessions = createSessionHandler(createServer, extra);
  await listenMcp(port, label, (req, res) => sessions.handle(req, res), (bound) => sessions.allowHosts(loopbackHosts(bound)));
}

export async function serveMcp(createServer: () => Server, argv: readonly string[], label: string, http: HttpServeOptions = {}): Promise<void> {
  let mode: ServeMode;
  try {
    mode = parseServeArgs(argv);
  } catch (error) {
    process.stderr.write(`${label}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (mode.kind === 'http') return serveHttp(createServer, mode.port, label, http);
  await createServer().connect(new StdioServerTransport());
}
