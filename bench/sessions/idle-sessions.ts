// Many idle MCP sessions held open against the gateway with raw node:http requests (no SDK Client:
// a thousand SDK clients would cost this process far more than the handful of sockets and buffers a
// session needs here). Each session is initialize → notifications/initialized → a GET event stream
// left open and drained; closing sends DELETE, then drops whatever stream is left.
import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

export interface IdleSessionsOptions {
  endpoint: string;
  token: string;
  count: number;
  /** Sessions being opened at once. */
  parallel: number;
}

export interface IdleSessionsOpened {
  opened: number;
  failed: number;
  firstError?: string;
  seconds: number;
}

export interface IdleSessionsClosed {
  failed: number;
  firstError?: string;
}

export interface IdleSessions {
  open(): Promise<IdleSessionsOpened>;
  /** Sessions whose GET stream is still open. */
  streamsOpen(): number;
  /** Bytes that arrived on all the GET streams (keep-alive comments, server notifications). */
  streamBytes(): number;
  /** DELETEs every session (`parallel` at a time), then destroys any stream left. */
  close(): Promise<IdleSessionsClosed>;
}

interface HeldSession {
  id: string;
  stream?: IncomingMessage;
}

const REQUEST_TIMEOUT_MS = 30_000;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function send(agent: Agent, url: URL, method: string, headers: OutgoingHttpHeaders, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The GET stream's response, left open; rejects unless it is a 200 event stream. */
function openStream(agent: Agent, url: URL, headers: OutgoingHttpHeaders): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, agent }, (res) => {
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.resume();
        reject(new Error(`GET stream answered ${res.statusCode} ${String(res.headers['content-type'])}`));
        return;
      }
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

export function createIdleSessions(options: IdleSessionsOptions): IdleSessions {
  const url = new URL(options.endpoint);
  // POSTs and DELETEs reuse a few keep-alive sockets; every stream needs a socket of its own.
  const postAgent = new Agent({ keepAlive: true, maxSockets: options.parallel });
  const streamAgent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const held: HeldSession[] = [];
  let open = 0;
  let bytes = 0;
  const base = { authorization: `Bearer ${options.token}` };

  async function openOne(n: number): Promise<void> {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'sessions-bench-idle', version: String(n) } },
    };
    const post = { ...base, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await send(postAgent, url, 'POST', post, JSON.stringify(initialize));
    const id = init.headers['mcp-session-id'];
    if (init.status !== 200 || typeof id !== 'string' || !init.body.includes('"result"')) {
      throw new Error(`initialize answered ${init.status}: ${init.body.slice(0, 200)}`);
    }
    const session: HeldSession = { id };
    held.push(session);
    const inSession = { ...base, 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    const initialized = await send(postAgent, url, 'POST', { ...post, ...inSession }, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}: ${initialized.body.slice(0, 200)}`);
    const stream = await openStream(streamAgent, url, { ...inSession, accept: 'text/event-stream' });
    session.stream = stream;
    open++;
    stream.on('data', (chunk: Buffer) => void (bytes += chunk.length));
    stream.once('close', () => void open--);
    stream.on('error', () => undefined);
  }

  /** Runs `task(0..count-1)` with at most `parallel` at once. */
  async function pool(count: number, task: (n: number) => Promise<void>, onError: (error: unknown) => void): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const n = next++;
        await task(n).catch(onError);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.parallel, count) }, worker));
  }

  return {
    open: async () => {
      const started = performance.now();
      let failed = 0;
      let firstError: string | undefined;
      await pool(options.count, openOne, (error) => {
        failed++;
        firstError ??= (error as Error).message;
      });
      const seconds = (performance.now() - started) / 1000;
      return { opened: open, failed, ...(firstError !== undefined ? { firstError } : {}), seconds };
    },
    streamsOpen: () => open,
    streamBytes: () => bytes,
    close: async () => {
      let failed = 0;
      let firstError: string | undefined;
      const headers = (id: string): OutgoingHttpHeaders => ({ ...base, 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION });
      const deleteOne = async (n: number): Promise<void> => {
        // A keep-alive socket the gateway closed just as it was reused fails before the request
        // reached it: DELETE is idempotent, so that one case is tried again on a fresh socket.
        const attempt = (): Promise<Reply> => send(postAgent, url, 'DELETE', headers(held[n]!.id));
        const reply = await attempt().catch((error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? attempt() : Promise.reject(error)));
        if (reply.status !== 200) throw new Error(`DELETE answered ${reply.status}: ${reply.body.slice(0, 200)}`);
      };
      await pool(held.length, deleteOne, (error) => {
        failed++;
        firstError ??= (error as Error).message;
      });
      for (const session of held) session.stream?.destroy();
      held.length = 0;
      postAgent.destroy();
      streamAgent.destroy();
      return { failed, ...(firstError !== undefined ? { firstError } : {}) };
    },
  };
}
