// The things measured, all in front of the same stdio server (server-everything): the server itself
// over stdio, toolgate (counters in SQLite, and for the counter-backend rows in memory and in Redis),
// supergateway and mcp-proxy, each reached with the official SDK client.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { EVERYTHING_SERVER, packageBin } from '../test/helpers/paths.js';
import { connectHttp, connectStdio } from './connect.js';
import { freePort } from '../test/helpers/spawn-http-server.js';
import { spawnChild, waitForPort } from './processes.js';
import { startToolgateTarget, type CounterBackend } from './toolgate-target.js';

export type TargetName = 'direct' | 'toolgate' | 'toolgate-memory' | 'toolgate-redis' | 'toolgate-redis-no-leases' | 'toolgate-shared' | 'supergateway' | 'mcp-proxy';

export const TARGET_NAMES: readonly TargetName[] = [
  'direct', 'toolgate', 'toolgate-memory', 'toolgate-redis', 'toolgate-redis-no-leases', 'toolgate-shared', 'supergateway', 'mcp-proxy',
];

export interface RunningTarget {
  readonly name: TargetName;
  readonly endpoint: string;
  /** The process serving the target, when it is one child process (toolgate's). */
  readonly pid?: number;
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
  return { name, endpoint, pid: child.pid, connect: () => connectHttp(endpoint), stop: () => child.stop() };
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

const TOOLGATE_SETUP =
  'node dist/src/cli/main.js serve -c <temp config> --listen 127.0.0.1:0 (child process): auth "grants" with a bearer token made by ' +
  '`toolgate grants create`, policy default deny + echo limited to 1e9 calls/minute per grant (reserved and committed on every call), ' +
  'audit on (SQLite), default log level (one server process per session)';

/** toolgate three ways; only the counter store differs (and, with Redis, where grants are looked up). */
function toolgateTargets(redisUrl: string): TargetDefinition[] {
  const start = (name: TargetName, counters: CounterBackend, shared = false) => () =>
    startToolgateTarget({ name, counters, upstream: UPSTREAM_COMMAND, timeoutMs: START_TIMEOUT_MS, redisUrl, shared });
  return [
    { name: 'toolgate', setup: `${TOOLGATE_SETUP}; counters in the SQLite data dir (the default)`, start: start('toolgate', 'sqlite') },
    {
      name: 'toolgate-memory',
      setup: `as toolgate, but counters in memory: node dist/bench/memory-counters-serve.js (serve's own serveUntilSignal with createMemoryCounterStore as its counter store; no config setting selects it)`,
      start: start('toolgate-memory', 'memory'),
    },
    {
      name: 'toolgate-redis',
      setup:
        `as toolgate, with state: {url: ${redisUrl}, keyPrefix: <random>}: counters, grants and approvals in Redis (grants cached for 250 ms, ` +
        'decision 016); the busy echo counter is served from leases, one script per 33 calls (decision 019); keys deleted after the run',
      start: start('toolgate-redis', 'redis'),
    },
    {
      name: 'toolgate-redis-no-leases',
      setup: 'as toolgate-redis, with state.leases: false: one Redis script (round trip) on every limited call',
      start: start('toolgate-redis-no-leases', 'redis-no-leases'),
    },
    {
      name: 'toolgate-shared',
      setup: 'as toolgate, with `shared: true` on the server: one server process for every session, as mcp-proxy runs it',
      start: start('toolgate-shared', 'sqlite', true),
    },
  ];
}

/** Every target in table order, or (BENCH_TARGETS) exactly the named ones. */
export function benchTargets(options: { redisUrl: string; only?: readonly TargetName[] }): TargetDefinition[] {
  const all = [direct, ...toolgateTargets(options.redisUrl), supergateway, mcpProxy];
  return options.only ? all.filter((target) => options.only!.includes(target.name)) : all;
}
