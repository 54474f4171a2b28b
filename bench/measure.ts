// Timing of `tools/call` batches (one client in sequence, or many at once) and the statistics
// reported for them. Every reply is checked, so a target that fails calls cannot look fast.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export const BENCH_TOOL = 'echo';

export interface BatchSample {
  /** Milliseconds per call, in the order the calls finished. */
  latencies: number[];
  /** Wall time of the whole batch. */
  wallMs: number;
  calls: number;
  errors: number;
  firstError?: string;
}

export interface Stats {
  calls: number;
  errors: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  callsPerSecond: number;
  /** The p50 (or calls/s) of each round, to show drift and noise. */
  perRound: number[];
  /** Latency at each of DISTRIBUTION_PERCENTILES (nearest rank), for the chart and latest.json. */
  distribution: PercentilePoint[];
}

export interface PercentilePoint {
  p: number;
  ms: number;
}

/** p1..p99.9, denser in the tail, where gateways differ most. */
export const DISTRIBUTION_PERCENTILES: readonly number[] = [
  1, 2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 98.5, 99, 99.3, 99.5, 99.7, 99.8, 99.9,
];

/** A call not answered by then counts as an error (the SDK's own default is 60 s). */
const CALL_TIMEOUT_MS = 10_000;

let sequence = 0;

/** One echo call with a fresh message; resolves with its latency in ms, or throws on a wrong reply. */
async function timedCall(client: Client): Promise<number> {
  const message = `bench-${++sequence}`;
  const start = performance.now();
  const result = await client.callTool({ name: BENCH_TOOL, arguments: { message } }, undefined, { timeout: CALL_TIMEOUT_MS });
  const elapsed = performance.now() - start;
  const content = result['content'] as Array<{ type: string; text?: string }> | undefined;
  const text = content?.[0]?.text;
  if (result['isError'] === true || text !== `Echo: ${message}`) {
    throw new Error(`unexpected reply: ${JSON.stringify(result).slice(0, 300)}`);
  }
  return elapsed;
}

async function runCalls(client: Client, calls: number, sample: BatchSample): Promise<void> {
  for (let i = 0; i < calls; i++) {
    if (sample.errors > 20 && sample.errors > sample.latencies.length) return;
    try {
      sample.latencies.push(await timedCall(client));
    } catch (error) {
      sample.errors++;
      sample.firstError ??= (error as Error).message;
      // A dead target fails every call: give up on the batch (all its clients) rather than spin.
      if (sample.errors > 20 && sample.errors > sample.latencies.length) return;
    }
  }
}

/** `calls` calls, one after the other, on one client. */
export async function sequentialBatch(client: Client, calls: number): Promise<BatchSample> {
  const sample: BatchSample = { latencies: [], wallMs: 0, calls, errors: 0 };
  const start = performance.now();
  await runCalls(client, calls, sample);
  sample.wallMs = performance.now() - start;
  return sample;
}

/** Every client makes `callsPerClient` calls in sequence, all clients at once. */
export async function concurrentBatch(clients: readonly Client[], callsPerClient: number): Promise<BatchSample> {
  const sample: BatchSample = { latencies: [], wallMs: 0, calls: clients.length * callsPerClient, errors: 0 };
  const start = performance.now();
  await Promise.all(clients.map((client) => runCalls(client, callsPerClient, sample)));
  sample.wallMs = performance.now() - start;
  return sample;
}

/** The middle value (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Pools the samples of every round. calls/s = calls answered / summed batch wall time. */
export function summarize(samples: readonly BatchSample[], perRound: 'p50' | 'callsPerSecond'): Stats {
  const all = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const wall = samples.reduce((sum, sample) => sum + sample.wallMs, 0);
  const answered = all.length;
  const mean = answered === 0 ? NaN : all.reduce((sum, value) => sum + value, 0) / answered;
  return {
    calls: answered,
    errors: samples.reduce((sum, sample) => sum + sample.errors, 0),
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    mean,
    min: all[0] ?? NaN,
    max: all[all.length - 1] ?? NaN,
    callsPerSecond: wall > 0 ? answered / (wall / 1000) : NaN,
    distribution: answered === 0 ? [] : DISTRIBUTION_PERCENTILES.map((p) => ({ p, ms: Math.round(percentile(all, p) * 10_000) / 10_000 })),
    perRound: samples.map((sample) => {
      if (perRound === 'callsPerSecond') return sample.wallMs > 0 ? sample.latencies.length / (sample.wallMs / 1000) : NaN;
      return percentile([...sample.latencies].sort((a, b) => a - b), 50);
    }),
  };
}
