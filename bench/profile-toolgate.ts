// Profiles the gateway process under the benchmark's workload: `toolgate serve` (the bench's toolgate
// target) runs under `node --cpu-prof`; after a warm-up, one client makes calls in sequence, then 16
// clients at once. The bench records each phase's CLOCK_MONOTONIC window, so the summary of each
// phase leaves out start-up, warm-up and shutdown. Writes the .cpuprofile (open it in Chrome DevTools
// or speedscope for a flame graph) and the summaries under bench/results/profile/. Each phase also
// reports the CPU per call of the gateway, its server processes and this process's SDK clients
// (from /proc); --no-profile gives that split without the profiler's own overhead.
// node dist/bench/profile-toolgate.js [--counters sqlite|memory|redis] [--shared] [--no-profile]   (PROFILE_CALLS, PROFILE_INTERVAL_US)
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { phaseLine, runPhases, type Phase } from './cpu-phases.js';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { DEFAULT_BENCH_REDIS_URL } from './bench-redis.js';
import { formatProfileSummary, summarizeProfile, type CpuProfile } from './cpuprofile-top.js';
import { cpuSnapshot } from './process-cpu.js';
import { killAllTracked, runTool, trackDescendants } from './processes.js';
import { UPSTREAM_COMMAND } from './targets.js';
import { startToolgateTarget, type CounterBackend } from './toolgate-target.js';
import { showWarningsOnce } from './warnings.js';

const CONCURRENCY = 16;
const log = (line = ''): void => void process.stdout.write(`${line}\n`);

function counterBackend(args: readonly string[]): CounterBackend {
  const index = args.indexOf('--counters');
  const value = index >= 0 ? args[index + 1] : 'sqlite';
  if (value !== 'sqlite' && value !== 'memory' && value !== 'redis') throw new Error(`--counters must be sqlite, memory or redis, not ${JSON.stringify(value)}`);
  return value;
}

function newestProfile(dir: string): string {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).map((name) => join(dir, name));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: the gateway did not exit cleanly within the stop grace time`);
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const counters = counterBackend(args);
  const profiling = !args.includes('--no-profile');
  const shared = args.includes('--shared');
  const calls = Number(process.env['PROFILE_CALLS'] ?? 4000);
  const intervalUs = Number(process.env['PROFILE_INTERVAL_US'] ?? 200);
  const outDir = join(REPO_ROOT, 'bench', 'results', 'profile');
  const rawDir = join(outDir, `raw-${counters}`);
  rmSync(rawDir, { recursive: true, force: true });
  mkdirSync(rawDir, { recursive: true });
  const nodeArgs = profiling ? ['--cpu-prof', '--cpu-prof-dir', rawDir, '--cpu-prof-interval', String(intervalUs)] : [];
  log(profiling ? `Profiling toolgate (counters: ${counters}${shared ? ', shared upstream' : ''}) under node ${nodeArgs.join(' ')}` : `Measuring CPU per call of toolgate (counters: ${counters}), no profiler`);
  const target = await startToolgateTarget({
    name: counters === 'sqlite' ? 'toolgate' : `toolgate-${counters}`,
    counters,
    upstream: UPSTREAM_COMMAND,
    timeoutMs: 20_000,
    redisUrl: process.env['BENCH_REDIS_URL'] || DEFAULT_BENCH_REDIS_URL,
    nodeArgs,
    shared,
  });
  const clients: Client[] = [];
  let phases: Phase[];
  try {
    for (let i = 0; i < CONCURRENCY; i++) clients.push(await target.connect());
    trackDescendants(process.pid);
    const proxyPid = target.pid!;
    const servers = trackDescendants(proxyPid);
    phases = await runPhases(clients, calls, () => cpuSnapshot(proxyPid, servers));
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    await target.stop(); // SIGTERM: the gateway stops cleanly and node writes the profile on exit
    killAllTracked();
  }
  log();
  for (const phase of phases) log(phaseLine(phase));
  const suffix = `${shared ? 'shared-' : ''}${profiling ? 'profiled' : 'unprofiled'}`;
  writeFileSync(join(outDir, `phases-${counters}-${suffix}.json`), `${JSON.stringify({ intervalUs: profiling ? intervalUs : undefined, phases }, null, 2)}\n`);
  if (!profiling) return;
  const file = newestProfile(rawDir);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  for (const phase of phases) {
    const text = phaseLine(phase) + '\n' + formatProfileSummary(summarizeProfile(profile, { fromUs: phase.fromUs, toUs: phase.toUs, calls: phase.calls }));
    const summaryFile = join(outDir, `summary-${counters}${shared ? '-shared' : ''}-${phase.name}.txt`);
    writeFileSync(summaryFile, `${text}\n`);
    log();
    log(`== ${phase.name} — ${summaryFile}`);
    log(text);
  }
  log();
  log(`Profile: ${file}`);
}

showWarningsOnce();
runTool('profile', main);
