// Connects to an MCP server with the official SDK client, just long enough to list every tool
// (following `nextCursor` pages), then disconnects. Used by `toolgate scan`.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { UpstreamSpec } from '../../config/gateway-config.js';
import { DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES } from './message-bound.js';
import { StdioUpstreamTransport } from './stdio-upstream-transport.js';
import { boundedFetch } from './watched-fetch.js';

export interface ListToolsOptions {
  /** How long connecting and every page may take, in milliseconds. */
  timeoutMs: number;
  /** stdio only: pass the whole environment (a command the user typed), not the SDK's safe subset. */
  inheritEnv?: boolean;
}

export interface ListedTools {
  server?: { name: string; version: string };
  tools: Array<Record<string, unknown> & { name: string }>;
  /** Pages read; more than one when the server paginates. */
  pages: number;
}

/** A server that keeps handing out cursors is cut off here rather than followed forever. */
const MAX_PAGES = 1000;

export async function listUpstreamTools(spec: UpstreamSpec, options: ListToolsOptions): Promise<ListedTools> {
  const stderrTail: string[] = [];
  const client = new Client({ name: 'toolgate-scan', version: '0.1.0' });
  try {
    await connect(client, spec, options, stderrTail);
    const tools: ListedTools['tools'] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: options.timeoutMs });
      pages += 1;
      tools.push(...(page.tools as ListedTools['tools']));
      cursor = page.nextCursor;
      if (cursor !== undefined && (seen.has(cursor) || pages >= MAX_PAGES)) throw new Error(`the server's tools/list pages do not end (cursor ${JSON.stringify(cursor)} after ${pages} pages)`);
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    const version = client.getServerVersion();
    return { tools, pages, ...(version ? { server: { name: version.name, version: version.version } } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const tail = stderrTail.length > 0 ? `\nserver stderr:\n  ${stderrTail.join('\n  ')}` : '';
    throw new Error(`cannot list the tools of ${describe(spec)}: ${message}${tail}`);
  } finally {
    await client.close().catch(() => {});
  }
}

async function connect(client: Client, spec: UpstreamSpec, options: ListToolsOptions, stderrTail: string[]): Promise<void> {
  const requestOptions = { timeout: options.timeoutMs };
  if (spec.kind === 'stdio') {
    await client.connect(stdioTransport(spec, options, stderrTail), requestOptions);
    return;
  }
  const fetchBounded = boundedFetch(spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES);
  if (spec.transport === 'sse') {
    await client.connect(sseTransport(spec.url, spec.headers, fetchBounded), requestOptions);
    return;
  }
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: { ...spec.headers } }, fetch: fetchBounded }), requestOptions);
  } catch (error) {
    // A legacy HTTP+SSE server refuses the POST as a method or path it does not know.
    const status = error instanceof StreamableHTTPError ? error.code : undefined;
    if (spec.transport !== 'auto' || (status !== 404 && status !== 405 && status !== 400)) throw error;
    await client.close().catch(() => {});
    await client.connect(sseTransport(spec.url, spec.headers, fetchBounded), requestOptions);
  }
}

function stdioTransport(spec: Extract<UpstreamSpec, { kind: 'stdio' }>, options: ListToolsOptions, stderrTail: string[]): Transport {
  const base = options.inheritEnv ? stringEnv(process.env) : getDefaultEnvironment();
  return new StdioUpstreamTransport({
    command: spec.command,
    args: spec.args,
    env: { ...base, ...spec.env },
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    maxMessageBytes: spec.maxMessageBytes ?? DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES,
    // Kept only to explain a failure; a healthy server's chatter is not shown.
    onStderrLine: (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 10) stderrTail.shift();
    },
  });
}

function sseTransport(url: string, headers: Readonly<Record<string, string>>, fetchBounded: typeof fetch): Transport {
  return new SSEClientTransport(new URL(url), {
    requestInit: { headers: { ...headers } },
    fetch: fetchBounded,
    eventSourceInit: { fetch: (input, init) => fetchBounded(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
  });
}

function describe(spec: UpstreamSpec): string {
  return spec.kind === 'stdio' ? `"${[spec.command, ...spec.args].join(' ')}"` : spec.url;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}
