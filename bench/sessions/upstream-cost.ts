// What one upstream Streamable HTTP connection costs in JS heap, measured in this process with the
// parts the gateway builds it from (the SDK's StreamableHTTPClientTransport over Node's fetch, with
// and without the gateway's watchedFetch wrapper, with and without the GET event stream the SDK
// opens after notifications/initialized), and the gateway's own link (connectUpstream), against
// server-everything over HTTP.
// node --expose-gc dist/bench/sessions/upstream-cost.js [--connections N]
import { Agent, request, type ClientRequest } from 'node:http';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { watchedFetch } from '../../src/transport/upstream/watched-fetch.js';
import { connectUpstream } from '../../src/transport/upstream/connect-upstream.js';
import type { UpstreamLink } from '../../src/transport/upstream/upstream-link.js';
import { silentLogger } from '../../src/lib/logger.js';
import { killAllTracked, runTool } from '../processes.js';
import { startEverythingHttp } from './everything-http.js';

const log = (line = ''): void => void process.stdout.write(`${line}\n`);
const KB = 1000;

interface Variant {
  name: string;
  wrapped: boolean;
  initialized: boolean;
  /** The GET event stream opened with node:http and drained (no fetch, no web streams), for comparison. */
  rawGet?: boolean;
  /** The gateway's own upstream link (connectUpstream): SDK transport for POSTs, its GET stream over node:http. */
  gatewayLink?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'SDK transport, plain fetch, initialize only (no GET stream)', wrapped: false, initialized: false },
  { name: 'SDK transport, plain fetch, + notifications/initialized (GET stream open)', wrapped: false, initialized: true },
  { name: 'SDK transport, watchedFetch (as the gateway), + GET stream', wrapped: true, initialized: true },
  { name: 'SDK transport, initialize only, + a GET stream over plain node:http (drained, not parsed)', wrapped: false, initialized: false, rawGet: true },
  { name: "the gateway's upstream link (connectUpstream, decision 018: own node:http GET stream)", wrapped: true, initialized: true, gatewayLink: true },
];

async function openLink(url: string, n: number): Promise<UpstreamLink> {
  const link = await connectUpstream({ kind: 'http', url, headers: {}, transport: 'streamable-http' }, { serverName: 'cost', logger: silentLogger });
  const answered = new Promise<void>((resolve) => link.onMessage((message) => ('id' in message && message.id === n ? resolve() : undefined)));
  await link.send({ jsonrpc: '2.0', id: n, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'cost', version: '1' } } });
  await answered;
  link.setProtocolVersion(LATEST_PROTOCOL_VERSION);
  await link.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return link;
}

async function measureLinks(url: string, count: number): Promise<number> {
  const before = await settledHeap();
  const links: UpstreamLink[] = [];
  for (let n = 0; n < count; n += 25) {
    links.push(...(await Promise.all(Array.from({ length: Math.min(25, count - n) }, (_, i) => openLink(url, n + i + 1)))));
  }
  const after = await settledHeap();
  for (let n = 0; n < links.length; n += 25) await Promise.all(links.slice(n, n + 25).map((link) => link.close()));
  return (after - before) / count;
}

const rawStreams: ClientRequest[] = [];

function openRawGet(url: string, sessionId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: rawAgent, headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION } }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`GET answered ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
    rawStreams.push(req);
  });
}

const rawAgent = new Agent({ keepAlive: false, maxSockets: Infinity });

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function openOne(url: string, variant: Variant, n: number): Promise<StreamableHTTPClientTransport> {
  const transport = new StreamableHTTPClientTransport(new URL(url), variant.wrapped ? { fetch: watchedFetch(() => undefined) } : {});
  const answered = new Promise<void>((resolve, reject) => {
    transport.onmessage = (message: JSONRPCMessage) => ('id' in message && message.id === n ? resolve() : undefined);
    transport.onerror = reject;
  });
  await transport.start();
  await transport.send({ jsonrpc: '2.0', id: n, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'cost', version: '1' } } });
  await answered;
  transport.setProtocolVersion(LATEST_PROTOCOL_VERSION);
  if (variant.initialized) await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  if (variant.rawGet) await openRawGet(url, transport.sessionId!);
  return transport;
}

async function measure(url: string, variant: Variant, count: number): Promise<number> {
  if (variant.gatewayLink) return measureLinks(url, count);
  const before = await settledHeap();
  const transports: StreamableHTTPClientTransport[] = [];
  for (let n = 0; n < count; n += 25) {
    transports.push(...(await Promise.all(Array.from({ length: Math.min(25, count - n) }, (_, i) => openOne(url, variant, n + i + 1)))));
  }
  const after = await settledHeap();
  for (const stream of rawStreams.splice(0)) stream.destroy();
  for (let n = 0; n < transports.length; n += 25) {
    await Promise.all(transports.slice(n, n + 25).map(async (transport) => {
      await transport.terminateSession().catch(() => undefined);
      await transport.close();
    }));
  }
  return (after - before) / count;
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--connections');
  const count = index >= 0 ? Number(process.argv[index + 1]) : 500;
  const upstream = await startEverythingHttp();
  try {
    // One connection of each kind first, so code loaded once is not counted per connection.
    for (const variant of VARIANTS) await measure(upstream.url, variant, 1);
    log(`${count} connections to server-everything over Streamable HTTP; live JS heap per connection after GC:`);
    for (const variant of VARIANTS) log(`  ${((await measure(upstream.url, variant, count)) / KB).toFixed(1).padStart(6)} KB  ${variant.name}`);
  } finally {
    await upstream.child.stop();
    killAllTracked();
  }
}

runTool('upstream cost', main);
