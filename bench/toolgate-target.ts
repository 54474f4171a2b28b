// Runs toolgate as a user would: a config and policy in a temp dir, a grant made with the CLI,
// then `toolgate serve` as a child process on a free loopback port. Three counter backends:
// SQLite (the default, in the data dir), Redis (`state:` with a random key prefix) and memory
// (bench/memory-counters-serve.ts, since no config setting selects memory counters).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DIST, TOOLGATE_CLI } from '../test/helpers/paths.js';
import { DEFAULT_BENCH_REDIS_URL, deleteKeysWithPrefix, randomKeyPrefix, redisUnreachableReason } from './bench-redis.js';
import { connectHttp } from './connect.js';
import { BENCH_TOOL } from './measure.js';
import { spawnChild } from './processes.js';
import { TargetSkipped } from './target-skipped.js';
import type { RunningTarget, TargetName } from './targets.js';

const run = promisify(execFile);
export const BENCH_SERVER = 'everything';
const MEMORY_COUNTERS_SERVE = join(DIST, 'bench', 'memory-counters-serve.js');

export type CounterBackend = 'sqlite' | 'memory' | 'redis' | 'redis-no-leases';

export interface ToolgateTargetOptions {
  name: TargetName;
  counters: CounterBackend;
  upstream: readonly string[];
  timeoutMs: number;
  /** For `redis`: where Redis is; the run's keys get a random prefix and are deleted at stop. */
  redisUrl?: string;
  /** Extra node options for the gateway process, e.g. `--cpu-prof` (bench/profile-toolgate.ts). */
  nodeArgs?: readonly string[];
  /** `shared: true` on the server: one upstream process for every session (as mcp-proxy runs). */
  shared?: boolean;
}

/** Default deny; the benchmarked tool is allowed under a limit high enough never to trip. */
export const TOOLGATE_BENCH_POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    [BENCH_TOOL]: { limits: [{ counter: `${BENCH_TOOL}_rate`, window: 'minute', max: 1_000_000_000, scope: 'grant' }] },
  },
};

/** The config's `state:` for the Redis targets. */
interface BenchState {
  url: string;
  keyPrefix: string;
  leases?: false;
}

/** The bench config in `dir`: grants on, the SQLite data dir there, the bench policy, and `server`
 *  (its upstream: a command or a URL, and `shared`) as the one server; its path. */
export function writeBenchConfig(dir: string, server: Record<string, unknown>, state?: BenchState): string {
  writeFileSync(join(dir, 'policy.json'), `${JSON.stringify(TOOLGATE_BENCH_POLICY, null, 2)}\n`);
  const config = {
    listen: '127.0.0.1:0',
    dataDir: join(dir, 'data'),
    auth: 'grants',
    ...(state ? { state } : {}),
    servers: { [BENCH_SERVER]: { ...server, policy: 'policy.json' } },
  };
  // JSON is valid YAML; the .json name makes the loader parse it as JSON.
  const file = join(dir, 'toolgate.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** A grant for the bench server, made with the CLI as a user would; its token. */
export async function createBenchGrant(configFile: string): Promise<string> {
  const { stdout } = await run(process.execPath, [TOOLGATE_CLI, 'grants', 'create', '-c', configFile, '--name', 'bench', '--servers', BENCH_SERVER, '--json'], {
    timeout: 20_000,
  });
  const grant = JSON.parse(stdout) as { token?: unknown };
  if (typeof grant.token !== 'string') throw new Error(`grants create printed no token: ${stdout.slice(0, 200)}`);
  return grant.token;
}

export async function startToolgateTarget(options: ToolgateTargetOptions): Promise<RunningTarget> {
  const { name, counters, upstream, timeoutMs } = options;
  let state: BenchState | undefined;
  if (counters === 'redis' || counters === 'redis-no-leases') {
    const url = options.redisUrl ?? DEFAULT_BENCH_REDIS_URL;
    const unreachable = await redisUnreachableReason(url);
    if (unreachable !== undefined) throw new TargetSkipped(unreachable);
    state = { url, keyPrefix: randomKeyPrefix(), ...(counters === 'redis-no-leases' ? { leases: false } : {}) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
  const cleanUp = async (): Promise<void> => {
    rmSync(dir, { recursive: true, force: true });
    if (state) await deleteKeysWithPrefix(state.url, state.keyPrefix);
  };
  let child: ReturnType<typeof spawnChild> | undefined;
  try {
    const [command, ...args] = upstream;
    const configFile = writeBenchConfig(dir, { command, args, ...(options.shared ? { shared: true } : {}) }, state);
    const token = await createBenchGrant(configFile);
    const entry = counters === 'memory' ? [MEMORY_COUNTERS_SERVE] : [TOOLGATE_CLI, 'serve'];
    child = spawnChild(name, process.execPath, [...(options.nodeArgs ?? []), ...entry, '-c', configFile, '--listen', '127.0.0.1:0']);
    const match = await child.waitFor(/toolgate listening on (http:\/\/\S+)/, timeoutMs);
    const endpoint = `${match[1]!}/mcp/${BENCH_SERVER}`;
    const running = child;
    return {
      name,
      endpoint,
      pid: running.pid,
      connect: () => connectHttp(endpoint, { Authorization: `Bearer ${token}` }),
      stop: async () => {
        await running.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await child?.stop();
    await cleanUp();
    throw error;
  }
}
