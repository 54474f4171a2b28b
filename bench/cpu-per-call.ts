// Where the CPU of one call goes, target by target (one at a time, not interleaved): the proxy
// process (toolgate's gateway, supergateway, mcp-proxy), its server processes, and the SDK clients
// in this process, in sequence and at 16 clients. Reads /proc, so no profiler slows anything down.
// node dist/bench/cpu-per-call.js   (BENCH_TARGETS picks targets; PROFILE_CALLS calls per phase, default 4000)
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { readBenchConfig } from './bench-config.js';
import { phaseLine, runPhases, type Phase } from './cpu-phases.js';
import { cpuSnapshot } from './process-cpu.js';
import { runTool, trackDescendants } from './processes.js';
import { benchTargets } from './targets.js';
import { showWarningsOnce } from './warnings.js';

const log = (line = ''): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = readBenchConfig(process.env, []);
  const calls = Number(process.env['PROFILE_CALLS'] ?? 4000);
  const results: Array<{ target: string; phases: Phase[] }> = [];
  for (const definition of benchTargets({ redisUrl: config.redisUrl, ...(config.only ? { only: config.only } : {}) })) {
    const running = await definition.start();
    const clients: Client[] = [];
    try {
      for (let i = 0; i < config.concurrency; i++) clients.push(await running.connect());
      // The proxy's servers are its descendants; a direct client's servers are this process's.
      const servers = trackDescendants(running.pid ?? process.pid).filter((pid) => pid !== running.pid);
      const phases = await runPhases(clients, calls, () => cpuSnapshot(running.pid ?? 0, servers));
      results.push({ target: definition.name, phases });
      for (const phase of phases) log(`${definition.name.padEnd(16)} ${phaseLine(phase, 'proxy process')}`);
    } finally {
      await Promise.allSettled(clients.map((client) => client.close()));
      await running.stop();
    }
  }
  const dir = join(REPO_ROOT, 'bench', 'results', 'profile');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cpu-per-call.json'), `${JSON.stringify({ calls, results }, null, 2)}\n`);
}

showWarningsOnce();
runTool('cpu-per-call', main);
