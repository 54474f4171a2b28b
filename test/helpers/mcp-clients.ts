// SDK clients for integration tests that need more than the harness's plain client: declared
// capabilities with their handlers (sampling, elicitation, roots), notification recorders, a
// direct connection to a server over stdio or HTTP (the reference the gateway's answers are compared with), and
// SDK 2.x clients in either era plus raw 2026-07-28 POSTs.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment as getModernDefaultEnvironment, StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities, Notification } from '@modelcontextprotocol/sdk/types.js';

export interface ClientSetup {
  name?: string;
  capabilities?: ClientCapabilities;
  /** Registers request/notification handlers; runs before `connect`, so nothing is missed. */
  setup?: (client: Client) => void;
}

export function newClient(options: ClientSetup = {}): Client {
  const client = new Client({ name: options.name ?? 'toolgate-it', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  return client;
}

/** A client connected to `/mcp/<server>` of a running gateway. */
export async function connectThroughGateway(gatewayUrl: string, server: string, token: string | undefined, options: ClientSetup = {}): Promise<Client> {
  const client = newClient(options);
  const transport = new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp/${server}`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** A client connected straight to a stdio server, with no gateway in between. */
export async function connectDirect(command: string, args: string[], options: ClientSetup = {}): Promise<Client> {
  const client = newClient(options);
  await client.connect(new StdioClientTransport({ command, args, stderr: 'pipe' }));
  return client;
}

/** A client connected straight to a Streamable HTTP server's URL, with no gateway in between. */
export async function connectDirectHttp(url: string, options: ClientSetup = {}): Promise<Client> {
  const client = newClient(options);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Records every notification the client receives, and waits for one that matches. */
export class NotificationLog {
  readonly seen: Notification[] = [];
  private readonly waiters: Array<{ match: (n: Notification) => boolean; resolve: (n: Notification) => void }> = [];

  /** Install as the client's fallback notification handler (before connecting). */
  attach(client: Client): void {
    client.fallbackNotificationHandler = async (notification) => this.record(notification);
  }

  record(notification: Notification): void {
    this.seen.push(notification);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(notification)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(notification);
    }
  }

  /** Resolves with the first notification (already seen or still to come) that matches. */
  waitFor(match: (n: Notification) => boolean, timeoutMs = 5_000, what = 'notification'): Promise<Notification> {
    const already = this.seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; saw: ${this.seen.map((n) => n.method).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (n) => { clearTimeout(timer); resolve(n); } });
    });
  }

  methods(): string[] {
    return this.seen.map((n) => n.method);
  }
}

/** How a 2.x client picks its era: pinned to 2026-07-28, probing (`auto`), or plain 2025 (`legacy`). */
export type ModernMode = 'pin' | 'auto' | 'legacy';

function newModernClient(mode: ModernMode, name = 'toolgate-it-2x'): ModernClient {
  const negotiation = mode === 'pin' ? { mode: { pin: MODERN_PROTOCOL_VERSION } } : { mode };
  return new ModernClient({ name, version: '2.0.0' }, { versionNegotiation: negotiation });
}

/** An SDK 2.x client connected to `/mcp/<server>` of a running gateway. */
export async function connectModernThroughGateway(gatewayUrl: string, server: string, token: string | undefined, mode: ModernMode = 'pin'): Promise<ModernClient> {
  const client = newModernClient(mode);
  const transport = new ModernHttpTransport(new URL(`${gatewayUrl}/mcp/${server}`), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** An SDK 2.x client that spawns a stdio server (e.g. `toolgate wrap … -- <server>`). */
export async function connectModernStdio(command: string, args: string[], env: Record<string, string>, mode: ModernMode = 'pin'): Promise<{ client: ModernClient; transport: ModernStdioTransport; stderr(): string }> {
  const client = newModernClient(mode);
  const transport = new ModernStdioTransport({ command, args, env: { ...getModernDefaultEnvironment(), ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

/** A raw 2026-07-28 POST: the body with a complete `_meta` envelope, the headers that mirror it
 *  (override or drop any with `headers`, `undefined` removes one). */
export async function postModern(url: string, token: string | undefined, body: { id?: number | string; method: string; params?: Record<string, unknown> }, headers: Record<string, string | undefined> = {}): Promise<{ status: number; body: { result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } } | undefined }> {
  const params = body.params ?? {};
  const message = { jsonrpc: '2.0', id: body.id ?? 1, method: body.method, params: { ...params, _meta: { ...MODERN_ENVELOPE, ...(params['_meta'] as object | undefined) } } };
  const nameSource = body.method === 'resources/read' ? params['uri'] : params['name'];
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
    'mcp-method': body.method,
    ...(typeof nameSource === 'string' ? { 'mcp-name': nameSource } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const response = await fetch(url, { method: 'POST', headers: sent, body: JSON.stringify(message) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export const MODERN_ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw-fetch', version: '1.0.0' },
};
