// SDK clients for integration tests that need more than the harness's plain client: declared
// capabilities with their handlers (sampling, elicitation, roots), notification recorders, and a
// direct stdio connection to a server (the reference the gateway's answers are compared with).
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
