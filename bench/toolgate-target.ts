// Runs toolgate as a user would: a config and policy in a temp dir, a grant made with the CLI,
// then `toolgate serve` as a child process on a free loopback port, with its real SQLite store.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOOLGATE_CLI } from '../test/helpers/paths.js';
import { connectHttp } from './connect.js';
import { BENCH_TOOL } from './measure.js';
import { spawnChild } from './processes.js';
import type { RunningTarget } from './targets.js';

const run = promisify(execFile);
const SERVER = 'everything';

/** Default deny; the benchmarked tool is allowed under a limit high enough never to trip. */
export const TOOLGATE_BENCH_POLICY = {
  version: '1',
  default: 'deny',
  tools: {
    [BENCH_TOOL]: { limits: [{ counter: `${BENCH_TOOL}_rate`, window: 'minute', max: 1_000_000_000, scope: 'grant' }] },
  },
};

function writeConfig(dir: string, upstream: readonly string[]): string {
  const [command, ...args] = upstream;
  writeFileSync(join(dir, 'policy.json'), `${JSON.stringify(TOOLGATE_BENCH_POLICY, null, 2)}\n`);
  const config = {
    listen: '127.0.0.1:0',
    dataDir: join(dir, 'data'),
    auth: 'grants',
    servers: { [SERVER]: { command, args, policy: 'policy.json' } },
  };
  // JSON is valid YAML; the .json name makes the loader parse it as JSON.
  const file = join(dir, 'toolgate.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

async function createGrant(configFile: string): Promise<string> {
  const { stdout } = await run(process.execPath, [TOOLGATE_CLI, 'grants', 'create', '-c', configFile, '--name', 'bench', '--servers', SERVER, '--json'], {
    timeout: 20_000,
  });
  const grant = JSON.parse(stdout) as { token?: unknown };
  if (typeof grant.token !== 'string') throw new Error(`grants create printed no token: ${stdout.slice(0, 200)}`);
  return grant.token;
}

export async function startToolgateTarget(upstream: readonly string[], timeoutMs: number): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let child: ReturnType<typeof spawnChild> | undefined;
  try {
    const configFile = writeConfig(dir, upstream);
    const token = await createGrant(configFile);
    child = spawnChild('toolgate', process.execPath, [TOOLGATE_CLI, 'serve', '-c', configFile, '--listen', '127.0.0.1:0']);
    const match = await child.waitFor(/toolgate listening on (http:\/\/\S+)/, timeoutMs);
    const endpoint = `${match[1]!}/mcp/${SERVER}`;
    const running = child;
    return {
      name: 'toolgate',
      endpoint,
      connect: () => connectHttp(endpoint, { Authorization: `Bearer ${token}` }),
      stop: async () => {
        await running.stop();
        removeDir();
      },
    };
  } catch (error) {
    await child?.stop();
    removeDir();
    throw error;
  }
}
