// Connects the official SDK client to a target: over stdio (spawning the server) or over
// Streamable HTTP, with a time limit so a hung peer cannot hang the run.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { trackPid } from './processes.js';

const CONNECT_TIMEOUT_MS = 20_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function connectClient(transport: Transport, what: string): Promise<Client> {
  const client = new Client({ name: 'toolgate-bench', version: '1.0.0' });
  try {
    await withTimeout(client.connect(transport), CONNECT_TIMEOUT_MS, what);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return client;
}

export function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  return connectClient(transport, `connecting to ${url}`);
}

/** Spawns `command` as the client's stdio server (the SDK ends it when the client closes). */
export async function connectStdio(command: readonly string[]): Promise<Client> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('empty server command');
  const transport = new StdioClientTransport({ command: program, args, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined); // drained so the pipe never fills
  const client = await connectClient(transport, 'connecting over stdio');
  if (transport.pid !== null) trackPid(transport.pid);
  return client;
}
