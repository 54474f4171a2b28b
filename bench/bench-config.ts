// How big a run is (scaled by BENCH_CALLS and BENCH_ROUNDS) and the method text printed before it.
import type { RoundsConfig } from './rounds.js';
import type { TargetDefinition } from './targets.js';
import { BENCH_TOOL } from './measure.js';

export interface BenchConfig extends RoundsConfig {
  engineSampleMs: number;
  engineSamples: number;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return value;
}

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const callsPerRound = positiveInt(env, 'BENCH_CALLS', 400);
  const concurrency = positiveInt(env, 'BENCH_CONCURRENCY', 16);
  return {
    callsPerRound,
    rounds: positiveInt(env, 'BENCH_ROUNDS', 10),
    concurrency,
    // The throughput batch makes twice the sequential batch's calls, spread over the clients.
    callsPerClient: Math.max(1, Math.ceil((callsPerRound * 2) / concurrency)),
    warmupCalls: positiveInt(env, 'BENCH_WARMUP', 200),
    engineSampleMs: positiveInt(env, 'BENCH_ENGINE_MS', 400),
    engineSamples: 5,
  };
}

export function methodLines(config: BenchConfig, targets: readonly TargetDefinition[]): string[] {
  const c = config;
  return [
    `Upstream: @modelcontextprotocol/server-everything over stdio (node <server> stdio), the same command behind every target.`,
    ...targets.map((target) => `Target ${target.name}: ${target.setup}.`),
    `Workload: tools/call "${BENCH_TOOL}" with a fresh {"message": "bench-<n>"} per call; every reply is checked ` +
      `(text "Echo: bench-<n>", no isError), a wrong one counts as an error, not a latency.`,
    `Warm-up (not recorded): ${c.warmupCalls} sequential calls per target, then 10 calls on each of its ${c.concurrency} clients.`,
    `Rounds: ${c.rounds}. In each round every target in turn runs ${c.callsPerRound} sequential calls on one client; then every target ` +
      `in turn runs a throughput batch of ${c.concurrency} clients x ${c.callsPerClient} calls at once. The target order rotates by one ` +
      `each round, so drift on the machine hits every target alike.`,
    `Totals per target: ${c.rounds * c.callsPerRound} sequential calls and ${c.rounds * c.concurrency * c.callsPerClient} calls at ` +
      `${c.concurrency} clients (BENCH_CALLS=${c.callsPerRound}, BENCH_ROUNDS=${c.rounds}).`,
    `Latency: performance.now() around client.callTool() in this process (includes the SDK client's own work, alike for all). ` +
      `p50/p99 are nearest-rank over every round pooled; calls/s = calls answered / summed batch wall time.`,
    `Every SDK client runs in this one Node process, which shares the machine's cores with the targets and their servers.`,
    `Policy engine: createPolicyEngine(policy).decide(facts) in a tight loop on this thread over precomputed calls; ` +
      `${c.engineSamples} samples of ${c.engineSampleMs} ms after a warm-up, median reported (BENCH_ENGINE_MS scales a sample).`,
  ];
}
