// The four things measured, all in front of the same stdio server (server-everything): the server
// itself over stdio, toolgate, supergateway and mcp-proxy, each reached with the official SDK client.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { EVERYTHING_SERVER, packageBin } from '../test/helpers/paths.js';
import { connectHttp, connectStdio } from './connect.js';
import { freePort } from '../test/helpers/spawn-http-server.js';
import { spawnChild, waitForPort } from './processes.js';
import { startToolgateTarget } from './toolgate-target.js';

export type TargetName = 'direct' | 'toolgate' | 'supergateway' | 'mcp-proxy';

export interface RunningTarget {
  readonly name: TargetName;
  readonly endpoint: string;
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

export interface TargetDefinition {
  readonly name: TargetName;
  /** How the target is run, printed in the method section. */
  readonly setup: string;
  start(): Promise<RunningTarget>;
}

const START_TIMEOUT_MS = 20_000;

/** The upstream every target fronts: `node <server-everything> stdio`. */
export const UPSTREAM_COMMAND: readonly string[] = [process.execPath, EVERYTHING_SERVER, 'stdio'];

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const direct: TargetDefinition = {
  name: 'direct',
  setup: 'SDK Client over StdioClientTransport, spawning the server itself (one server process per client)',
  start: async () => ({
    name: 'direct',
    endpoint: 'stdio',
    connect: () => connectStdio(UPSTREAM_COMMAND),
    stop: async () => undefined,
  }),
};

/** Starts a plain proxy on a free port (`args` names it) and waits until it accepts connections. */
async function startHttpPeer(name: TargetName, args: (port: number) => string[]): Promise<RunningTarget> {
  const port = await freePort();
  const child = spawnChild(name, process.execPath, args(port));
  try {
    await waitForPort(port, child, START_TIMEOUT_MS);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}/mcp`;
  return { name, endpoint, connect: () => connectHttp(endpoint), stop: () => child.stop() };
}

const supergateway: TargetDefinition = {
  name: 'supergateway',
  setup:
    'supergateway --stdio "<server>" --outputTransport streamableHttp --stateful --port N --logLevel none (one server process per session; ' +
    'its default logLevel "info" prints every message, so it is silenced like toolgate, which logs no per-call line)',
  start: () =>
    startHttpPeer('supergateway', (port) => [
      packageBin('supergateway'), '--stdio', UPSTREAM_COMMAND.map(shellQuote).join(' '), '--outputTransport', 'streamableHttp',
      '--stateful', '--port', String(port), '--logLevel', 'none',
    ]),
};

const mcpProxy: TargetDefinition = {
  name: 'mcp-proxy',
  setup:
    'mcp-proxy --host 127.0.0.1 --port N --server stream -- <server> (defaults otherwise: stateful sessions, event store on; ' +
    'one server process shared by every session)',
  start: () =>
    startHttpPeer('mcp-proxy', (port) => [packageBin('mcp-proxy'), '--host', '127.0.0.1', '--port', String(port), '--server', 'stream', '--', ...UPSTREAM_COMMAND]),
};

const toolgate: TargetDefinition = {
  name: 'toolgate',
  setup:
    'node dist/src/cli/main.js serve -c <temp config> --listen 127.0.0.1:0 (child process): auth "grants" with a bearer token made by ' +
    '`toolgate grants create`, SQLite data dir (counters, grants, audit), policy default deny + echo limited to 1e9 calls/minute per grant, ' +
    'audit on, default log level (one server process per session)',
  start: () => startToolgateTarget(UPSTREAM_COMMAND, START_TIMEOUT_MS),
};

export const TARGETS: readonly TargetDefinition[] = [direct, toolgate, supergateway, mcpProxy];
