// Runs toolgate for the sessions benchmark as a user would: a config and policy in a temp dir (grants
// on, SQLite data dir, audit on), a grant made with the CLI, then `toolgate serve` as its own process.
// The upstream is either an HTTP URL (per-session upstreams, the default) or a stdio command with
// `shared: true`. The config and the grant are the main benchmark's (toolgate-target.ts); this file
// adds the HTTP upstream and hands back the process itself (the sessions bench reads its memory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOLGATE_CLI } from '../../test/helpers/paths.js';
import { spawnChild, type BenchChild } from '../processes.js';
import { BENCH_SERVER, createBenchGrant, writeBenchConfig } from '../toolgate-target.js';

export const GATEWAY_SERVER_NAME = BENCH_SERVER;
const START_TIMEOUT_MS = 20_000;

export type GatewayUpstream =
  | { kind: 'http'; url: string; shared: boolean }
  | { kind: 'stdio-shared'; command: readonly string[] };

export interface GatewayProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>/mcp/everything` */
  readonly endpoint: string;
  readonly token: string;
  readonly child: BenchChild;
  stop(): Promise<void>;
}

function serverEntry(upstream: GatewayUpstream): Record<string, unknown> {
  if (upstream.kind === 'http') return { url: upstream.url, transport: 'streamable-http', ...(upstream.shared ? { shared: true } : {}) };
  const [command, ...args] = upstream.command;
  return { command, args, shared: true };
}

/** The config as the method section shows it (paths shortened). */
export function describeGatewayConfig(kind: GatewayUpstream['kind'], shared: boolean): string {
  const entry = kind === 'http' ? `url: <server-everything>/mcp, transport: streamable-http${shared ? ', shared: true' : ''}` : `command: node <server-everything> stdio, shared: true`;
  return `auth: grants, dataDir: <temp> (SQLite counters, grants, audit), servers.everything: {${entry}, policy: default deny + echo limited to 1e9 calls/minute per grant}`;
}

export async function startGateway(label: string, upstream: GatewayUpstream, nodeArgs: readonly string[] = []): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-sessions-bench-'));
  let child: BenchChild | undefined;
  try {
    const configFile = writeBenchConfig(dir, serverEntry(upstream));
    const token = await createBenchGrant(configFile);
    child = spawnChild(label, process.execPath, [...nodeArgs, TOOLGATE_CLI, 'serve', '-c', configFile, '--listen', '127.0.0.1:0']);
    const match = await child.waitFor(/toolgate listening on (http:\/\/\S+)/, START_TIMEOUT_MS);
    const running = child;
    return {
      pid: running.pid,
      endpoint: `${match[1]!}/mcp/${GATEWAY_SERVER_NAME}`,
      token,
      child: running,
      stop: async () => {
        await running.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
