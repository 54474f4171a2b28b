// How big a run is (scaled by BENCH_CALLS and BENCH_ROUNDS, or small with --quick / BENCH_QUICK=1),
// which targets it measures (BENCH_TARGETS), and the method text printed before it.
import { DEFAULT_BENCH_REDIS_URL } from './bench-redis.js';
import { SLICE_CALLS, type RoundsConfig } from './rounds.js';
import { TARGET_NAMES, type TargetDefinition, type TargetName } from './targets.js';
import { BENCH_TOOL } from './measure.js';

export interface BenchConfig extends RoundsConfig {
  engineSampleMs: number;
  engineSamples: number;
  /** A short run for development (about a minute): figures are indicative only. */
  quick: boolean;
  /** The targets measured; undefined: all. */
  only?: TargetName[];
  /** Where the toolgate-redis target's Redis is (BENCH_REDIS_URL). */
  redisUrl: string;
}

/** Smaller defaults for --quick; an explicit BENCH_* variable still wins. */
const QUICK = { calls: 100, rounds: 3, warmup: 50, engineMs: 100 };

function targetList(raw: string | undefined): TargetName[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(TARGET_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_TARGETS: unknown target ${unknown.join(', ')}; known: ${TARGET_NAMES.join(', ')}`);
  return names as TargetName[];
}

/** A BENCH_* variable that must be a positive integer, or `fallback` when unset. */
export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return value;
}

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): BenchConfig {
  const unknownArgs = argv.filter((arg) => arg !== '--quick');
  if (unknownArgs.length > 0) throw new Error(`unknown argument ${unknownArgs.join(' ')}; the only option is --quick (the rest is set by BENCH_* variables, see docs/benchmarks.md)`);
  const quick = argv.includes('--quick') || env['BENCH_QUICK'] === '1';
  const callsPerRound = positiveInt(env, 'BENCH_CALLS', quick ? QUICK.calls : 400);
  const concurrency = positiveInt(env, 'BENCH_CONCURRENCY', 16);
  const only = targetList(env['BENCH_TARGETS']);
  return {
    quick,
    ...(only ? { only } : {}),
    redisUrl: env['BENCH_REDIS_URL'] || DEFAULT_BENCH_REDIS_URL,
    callsPerRound,
    rounds: positiveInt(env, 'BENCH_ROUNDS', quick ? QUICK.rounds : 10),
    concurrency,
    // The throughput batch makes twice the sequential batch's calls, spread over the clients.
    callsPerClient: Math.max(1, Math.ceil((callsPerRound * 2) / concurrency)),
    warmupCalls: positiveInt(env, 'BENCH_WARMUP', quick ? QUICK.warmup : 200),
    engineSampleMs: positiveInt(env, 'BENCH_ENGINE_MS', quick ? QUICK.engineMs : 400),
    engineSamples: 5,
  };
}

export function methodLines(config: BenchConfig, targets: readonly TargetDefinition[]): string[] {
  const c = config;
  return [
    ...(c.quick ? ['QUICK RUN (--quick): few calls and rounds, for development; do not quote these figures.'] : []),
    `Upstream: @modelcontextprotocol/server-everything over stdio (node <server> stdio), the same command behind every target.`,
    ...targets.map((target) => `Target ${target.name}: ${target.setup}.`),
    `Workload: tools/call "${BENCH_TOOL}" with a fresh {"message": "bench-<n>"} per call; every reply is checked ` +
      `(text "Echo: bench-<n>", no isError), a wrong one counts as an error, not a latency.`,
    `Warm-up (not recorded): ${c.warmupCalls} sequential calls per target, then 10 calls on each of its ${c.concurrency} clients.`,
    `Rounds: ${c.rounds}. In each round every target runs ${c.callsPerRound} sequential calls on one client, the targets taking turns ` +
      `every ${SLICE_CALLS} calls; then every target ` +
      `in turn runs a throughput batch of ${c.concurrency} clients x ${c.callsPerClient} calls at once. The target order rotates by one ` +
      `each round, so drift on the machine hits every target alike.`,
    `Totals per target: ${c.rounds * c.callsPerRound} sequential calls and ${c.rounds * c.concurrency * c.callsPerClient} calls at ` +
      `${c.concurrency} clients (BENCH_CALLS=${c.callsPerRound}, BENCH_ROUNDS=${c.rounds}).`,
    `Latency: performance.now() around client.callTool() in this process (includes the SDK client's own work, alike for all). ` +
      `p50/p99 are nearest-rank over every round pooled; calls/s = calls answered / summed batch wall time.`,
    `Every SDK client runs in this one Node process, which shares the machine's cores with the targets and their servers.`,
    `Counter backends: toolgate, toolgate-memory, toolgate-redis and toolgate-redis-no-leases differ only in where counters live (SQLite, memory, Redis with and without leases), ` +
      `measured in the same interleaved rounds; the difference of their sequential p50s is the backend's cost per call.`,
    `Policy engine: createPolicyEngine(policy).decide(facts) in a tight loop on this thread over precomputed calls; ` +
      `${c.engineSamples} samples of ${c.engineSampleMs} ms after a warm-up, median reported (BENCH_ENGINE_MS scales a sample).`,
  ];
}
